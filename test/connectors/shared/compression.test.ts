import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { finalizeBody, gzip } from '../../../src/connectors/shared/compression.ts';
import type { EncodedRequest } from '../../../src/connectors/shared/types.ts';
import { sampleEvents } from '../../fixtures/events.ts';

const body = Buffer.from(sampleEvents(50).map((e) => e.json).join('\n'));
const request = (gzip: boolean, headers: Record<string, string> = { 'Content-Type': 'application/json' }): EncodedRequest => ({
  method: 'POST',
  url: 'https://siem.example/ingest',
  headers,
  body,
  gzip,
  eventCount: 50,
});

describe('compression', () => {
  it('gzip round-trips and actually compresses OCSF JSON', async () => {
    const compressed = await gzip(body);
    expect(gunzipSync(compressed).equals(body)).toBe(true);
    expect(compressed.length).toBeLessThan(body.length / 4);
  });

  it('finalizeBody leaves a non-gzip request untouched', async () => {
    const req = request(false);
    const out = await finalizeBody(req);
    expect(out.body).toBe(req.body);
    expect(out.headers).toEqual({ 'Content-Type': 'application/json' });
  });

  it('finalizeBody gzips and sets Content-Encoding once, keeping other headers and the input intact', async () => {
    const req = request(true, { 'Content-Type': 'application/json', 'content-encoding': 'identity', Authorization: 'Splunk t' });
    const out = await finalizeBody(req);
    expect(gunzipSync(out.body).equals(body)).toBe(true);
    expect(out.headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Splunk t', 'Content-Encoding': 'gzip' });
    expect(req.headers['content-encoding']).toBe('identity');
    expect(req.body).toBe(body);
  });
});
