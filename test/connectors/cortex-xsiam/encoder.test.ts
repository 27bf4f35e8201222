import { describe, expect, it } from 'vitest';
import { encodeXsiamBatch } from '../../../src/connectors/cortex-xsiam/encoder.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';

const events: DeliveryEvent[] = [
  { uid: 'a', time: 1, classUid: 3002, severityId: 1, json: '{"class_uid":3002,"metadata":{"uid":"a"}}' },
  { uid: 'b', time: 2, classUid: 6003, severityId: 3, json: '{"class_uid":6003,"message":"x\\ny"}' },
];

describe('cortex_xsiam encoder', () => {
  it('builds one NDJSON POST with the raw key as Authorization', () => {
    const req = encodeXsiamBatch(events, { url: 'https://api-a.example.com/logs/v1/event', apiKey: 'KEY', gzip: false });
    expect(req).toEqual({
      method: 'POST',
      url: 'https://api-a.example.com/logs/v1/event',
      headers: { Authorization: 'KEY', 'Content-Type': 'application/json' },
      body: Buffer.from('{"class_uid":3002,"metadata":{"uid":"a"}}\n{"class_uid":6003,"message":"x\\ny"}'),
      gzip: false,
      eventCount: 2,
    });
  });

  it('only flags gzip; the body stays uncompressed for the shared sender step', () => {
    const req = encodeXsiamBatch(events.slice(0, 1), { url: 'https://h/logs/v1/event', apiKey: 'KEY', gzip: true });
    expect(req.gzip).toBe(true);
    expect(req.body.toString()).toBe(events[0].json);
    expect(req.headers).not.toHaveProperty('Content-Encoding');
  });
});
