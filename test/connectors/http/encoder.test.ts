import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeHttpBatch, signBody, type HttpEncoderSettings } from '../../../src/connectors/http/encoder.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';

const events: DeliveryEvent[] = [
  { uid: 'a', time: 1, classUid: 3002, severityId: 1, json: '{"a":1}' },
  { uid: 'b', time: 2, classUid: 3002, severityId: 1, json: '{"b":"x|y"}' },
];
const base: HttpEncoderSettings = { url: 'https://c.example.com/in', format: 'json_array', gzip: false, headers: {} };
const KEY = 'sixteen-byte-key!';

describe('http encoder', () => {
  it('json_array: splices the events into an array', () => {
    const req = encodeHttpBatch(events, base, { id: 'unused', timestamp: 0 });
    expect(req).toEqual({
      method: 'POST',
      url: 'https://c.example.com/in',
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from('[{"a":1},{"b":"x|y"}]'),
      gzip: false,
      eventCount: 2,
    });
  });

  it('ndjson: one event per line, each line terminated', () => {
    const req = encodeHttpBatch(events, { ...base, format: 'ndjson', gzip: true }, { id: 'unused', timestamp: 0 });
    expect(req.body.toString()).toBe('{"a":1}\n{"b":"x|y"}\n');
    expect(req.headers['Content-Type']).toBe('application/x-ndjson');
    expect(req.gzip).toBe(true);
  });

  it('adds Bearer, the custom auth header and custom headers (a custom Content-Type wins)', () => {
    const req = encodeHttpBatch(
      events,
      { ...base, apiKey: 'K1', authHeader: ['X-API-Key', 'K2'], headers: { 'X-Tenant': 'acme', 'content-type': 'application/vnd.x+json' } },
      { id: 'unused', timestamp: 0 },
    );
    expect(req.headers).toEqual({
      'X-Tenant': 'acme',
      'content-type': 'application/vnd.x+json',
      Authorization: 'Bearer K1',
      'X-API-Key': 'K2',
    });
  });

  it('signs id.timestamp.body (known vectors computed with openssl dgst -hmac)', () => {
    const arr = encodeHttpBatch(events, { ...base, hmacSecret: KEY }, { id: 'req-1', timestamp: 1718020800 });
    expect(arr.headers['X-Siemstream-Id']).toBe('req-1');
    expect(arr.headers['X-Siemstream-Timestamp']).toBe('1718020800');
    expect(arr.headers['X-Siemstream-Signature']).toBe('v1=31dfc02cad7d5ab3d0b87821b5979364f852e493405c57691e3f1a11b6582a9f');
    const nd = encodeHttpBatch(events, { ...base, format: 'ndjson', gzip: true, hmacSecret: KEY }, { id: 'req-2', timestamp: 1718020801 });
    // The signature covers the uncompressed body even when the request is gzipped.
    expect(nd.headers['X-Siemstream-Signature']).toBe('v1=d3c4c563eafef88f3c754e1d5c75f8f0f73f5a4e8c5dc5bd3ca1066ef61b2421');
  });

  it('signs raw bytes, so non-ASCII bodies verify byte for byte', () => {
    const body = Buffer.from('[{"user":"zoë ☃"}]', 'utf8');
    const expected = createHmac('sha256', KEY).update(Buffer.concat([Buffer.from('i.5.'), body])).digest('hex');
    expect(signBody(KEY, { id: 'i', timestamp: 5 }, body)).toBe(`v1=${expected}`);
  });

  it('without hmac_secret no signature headers are sent', () => {
    const req = encodeHttpBatch(events, base, { id: 'x', timestamp: 1 });
    expect(Object.keys(req.headers).some((h) => h.startsWith('X-Siemstream'))).toBe(false);
  });
});
