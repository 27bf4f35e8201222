/** The verification snippet receivers copy from src/connectors/http/README.md must accept what we send. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeHttpBatch } from '../../../src/connectors/http/encoder.ts';
import { sampleEvents } from '../../fixtures/events.ts';

const readme = readFileSync(new URL('../../../src/connectors/http/README.md', import.meta.url), 'utf8');
const snippet = /```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const dir = mkdtempSync(join(tmpdir(), 'siem-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Verify = (headers: Record<string, string>, body: Buffer, secret: string, tolerance?: number) => Buffer;

async function loadSnippet(): Promise<Verify> {
  const file = join(dir, 'verify.mjs');
  writeFileSync(file, snippet);
  return ((await import(pathToFileURL(file).href)) as { verifySiemstream: Verify }).verifySiemstream;
}

const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

describe('README signature snippet', () => {
  it('verifies plain and gzipped requests and rejects tampering', async () => {
    expect(snippet).toContain('verifySiemstream');
    const verify = await loadSnippet();
    const secret = 'readme-secret-0123456789';
    const stamp = { id: 'id-1', timestamp: Math.floor(Date.now() / 1000) };
    const settings = { url: 'https://c/', format: 'ndjson' as const, gzip: true, headers: {}, hmacSecret: secret };
    const req = encodeHttpBatch(sampleEvents(2), settings, stamp);
    const headers = lower(req.headers);

    expect(verify(headers, req.body, secret).equals(req.body)).toBe(true);
    expect(verify({ ...headers, 'content-encoding': 'gzip' }, gzipSync(req.body), secret).equals(req.body)).toBe(true);
    expect(() => verify(headers, Buffer.concat([req.body, Buffer.from(' ')]), secret)).toThrow('bad signature');
    expect(() => verify(headers, req.body, 'another-secret-123456')).toThrow('bad signature');
    expect(() => verify({ ...headers, 'x-siemstream-timestamp': String(stamp.timestamp - 3600) }, req.body, secret)).toThrow(
      'stale timestamp',
    );
  });
});
