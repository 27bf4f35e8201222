import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import { sendEncoded } from '../../../src/connectors/shared/send-request.ts';
import type { EncodedRequest } from '../../../src/connectors/shared/types.ts';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.ts';

describe('sendEncoded (via createConnectorDeps)', () => {
  let srv: LoopbackServer;
  const deps = createConnectorDeps({ egressAllow: ['127.0.0.0/8', '::1', 'localhost'] });
  beforeAll(async () => {
    srv = await startLoopbackServer((_req, res) => res.writeHead(202).end('{"accepted":true}'));
  });
  afterAll(async () => {
    await deps.close();
    await srv.close();
  });

  const body = Buffer.from('{"a":1}\n{"a":2}');
  const req = (gzip: boolean): EncodedRequest => ({
    method: 'PUT',
    url: `http://localhost:${srv.port}/ingest?x=1`,
    headers: { 'Content-Type': 'application/x-ndjson', 'X-Token': 'abc' },
    body,
    gzip,
    eventCount: 2,
  });

  it('sends method, path, headers and the raw body', async () => {
    const res = await sendEncoded(deps.http, req(false));
    expect(res.status).toBe(202);
    expect(res.text()).toBe('{"accepted":true}');
    const got = srv.requests.at(-1)!;
    expect(got.method).toBe('PUT');
    expect(got.url).toBe('/ingest?x=1');
    expect(got.headers['x-token']).toBe('abc');
    expect(got.headers['content-encoding']).toBeUndefined();
    expect(got.body.equals(body)).toBe(true);
  });

  it('gzips when asked, with Content-Encoding: gzip', async () => {
    await sendEncoded(deps.http, req(true), { timeoutMs: 2000 });
    const got = srv.requests.at(-1)!;
    expect(got.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(got.body).equals(body)).toBe(true);
  });
});
