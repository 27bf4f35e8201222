import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finalizeBody } from '../../../src/connectors/shared/compression.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';
import { createHecEncoder, hecTime, type HecEncoderSettings } from '../../../src/connectors/splunk-hec/encoder.ts';

const CHANNEL = '0b7c1f6e-4a3e-4a7c-9d0f-2f1f0c4c9a11';
const settings = (s: Partial<HecEncoderSettings> = {}): HecEncoderSettings => ({
  baseUrl: 'https://splunk.example.com:8088',
  token: 'tok-123',
  channel: CHANNEL,
  sourcetype: 'ocsf',
  gzip: false,
  ...s,
});

const event = (json: string, time = 1_718_020_800_123, classUid = 3002, severityId = 2): DeliveryEvent => ({
  uid: 'u',
  time,
  classUid,
  severityId,
  json,
});

describe('splunk hec encoder', () => {
  it('builds the exact envelope bytes, splicing the event JSON verbatim', () => {
    // Non-canonical spacing and key order prove the event text is not re-serialised.
    const json = '{"class_uid":3002, "severity_id":2,"message":"a \\"quoted\\" é"}';
    const req = createHecEncoder(settings({ host: 'authos', source: 'siemstream', index: 'main' })).events([event(json)]);
    expect(req.body.toString('utf8')).toBe(
      '{"time":1718020800.123,"host":"authos","source":"siemstream","sourcetype":"ocsf","index":"main",' +
        '"fields":{"class_uid":"3002","severity_id":"2"},"event":{"class_uid":3002, "severity_id":2,"message":"a \\"quoted\\" é"}}',
    );
    expect(req).toMatchObject({ method: 'POST', url: 'https://splunk.example.com:8088/services/collector/event', eventCount: 1, gzip: false });
  });

  it('omits host, source and index when not configured and separates envelopes with newlines (no array)', () => {
    const req = createHecEncoder(settings()).events([event('{"a":1}', 1_000), event('{"b":2}', 2_500, 3001, 5)]);
    expect(req.body.toString('utf8')).toBe(
      '{"time":1.000,"sourcetype":"ocsf","fields":{"class_uid":"3002","severity_id":"2"},"event":{"a":1}}\n' +
        '{"time":2.500,"sourcetype":"ocsf","fields":{"class_uid":"3001","severity_id":"5"},"event":{"b":2}}',
    );
    expect(req.eventCount).toBe(2);
  });

  it('JSON-escapes configured metadata', () => {
    const req = createHecEncoder(settings({ source: 'a"b\\c\n', sourcetype: 'x' })).events([event('{}')]);
    const env = JSON.parse(req.body.toString('utf8'));
    expect(env).toMatchObject({ source: 'a"b\\c\n', sourcetype: 'x' });
  });

  it('sends the Splunk auth scheme, JSON content type and the channel on every request', () => {
    const enc = createHecEncoder(settings());
    const expected = { Authorization: 'Splunk tok-123', 'Content-Type': 'application/json', 'X-Splunk-Request-Channel': CHANNEL };
    expect(enc.events([event('{}')]).headers).toEqual(expected);
    expect(enc.ackQuery([0, 7]).headers).toEqual(expected);
  });

  it('builds the ack status query', () => {
    const req = createHecEncoder(settings()).ackQuery([0, 1, 5]);
    expect(req).toMatchObject({ method: 'POST', url: 'https://splunk.example.com:8088/services/collector/ack', gzip: false, eventCount: 0 });
    expect(req.body.toString()).toBe('{"acks":[0,1,5]}');
  });

  it('carries the gzip flag and leaves compression to the shared send step', async () => {
    const req = createHecEncoder(settings({ gzip: true })).events([event('{"a":1}')]);
    expect(req.gzip).toBe(true);
    expect(req.headers['Content-Encoding']).toBeUndefined();
    const wire = await finalizeBody(req);
    expect(wire.headers['Content-Encoding']).toBe('gzip');
    expect(gunzipSync(wire.body).equals(req.body)).toBe(true);
    expect(createHecEncoder(settings({ gzip: false })).events([event('{}')]).gzip).toBe(false);
  });

  it('property: the body is the envelopes, built as strings and joined by newlines, as UTF-8', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const meta = fc.record({ host: fc.option(text, { nil: undefined }), source: fc.option(text, { nil: undefined }), index: fc.option(text, { nil: undefined }), sourcetype: text });
    const ev = fc.record({
      time: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.double({ noNaN: false }), fc.constant(-1)),
      classUid: fc.constantFrom(3002, 6003, 1001, 999999),
      severityId: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 99),
      json: fc.dictionary(text, text, { maxKeys: 4 }).map((o) => JSON.stringify(o)),
    });
    fc.assert(
      fc.property(meta, fc.array(ev, { maxLength: 20 }), (m, evs) => {
        const metadata =
          (m.host !== undefined ? `,"host":${JSON.stringify(m.host)}` : '') +
          (m.source !== undefined ? `,"source":${JSON.stringify(m.source)}` : '') +
          `,"sourcetype":${JSON.stringify(m.sourcetype)}` +
          (m.index !== undefined ? `,"index":${JSON.stringify(m.index)}` : '');
        const envelope = (e: (typeof evs)[number]) => {
          const t = hecTime(e.time);
          const head = t === undefined ? `{${metadata.slice(1)}` : `{"time":${t}${metadata}`;
          return `${head},"fields":{"class_uid":"${e.classUid}","severity_id":"${e.severityId}"},"event":${e.json}}`;
        };
        const body = createHecEncoder(settings(m)).events(evs.map((e) => ({ uid: 'u', ...e }))).body;
        expect(body.toString('utf8')).toBe(evs.map(envelope).join('\n'));
        // Events that come with their JSON's UTF-8 (kept as published) give the same bytes.
        const withBytes = evs.map((e, i) => ({ uid: 'u', ...e, ...(i % 2 === 0 && { jsonUtf8: Buffer.from(e.json) }) }));
        expect(createHecEncoder(settings(m)).events(withBytes).body.equals(body)).toBe(true);
        for (const line of evs.length > 0 ? body.toString('utf8').split('\n') : []) JSON.parse(line);
      }),
    );
  });

  it('is pure: same input, same bytes', () => {
    const enc = createHecEncoder(settings());
    const evs = [event('{"x":1}'), event('{"y":2}', 5)];
    expect(enc.events(evs).body.equals(enc.events(evs).body)).toBe(true);
  });
});

describe('hecTime', () => {
  it.each([
    [1_718_020_800_123, '1718020800.123'],
    [1_718_020_800_000, '1718020800.000'],
    [1_718_020_800_007, '1718020800.007'],
    [1_718_020_800_999.9, '1718020800.999'],
    [0, '0.000'],
    [999, '0.999'],
  ])('%d ms → %s', (ms, text) => {
    expect(hecTime(ms)).toBe(text);
    // Valid JSON number equal to the seconds value.
    expect(JSON.parse(text)).toBeCloseTo(Math.floor(ms) / 1000, 6);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 1e300])('omits an unusable time (%d)', (ms) => {
    expect(hecTime(ms)).toBeUndefined();
    const body = createHecEncoder(settings()).events([event('{}', ms)]).body.toString();
    expect(body.startsWith('{"sourcetype":"ocsf",')).toBe(true);
    expect(JSON.parse(body).time).toBeUndefined();
  });
});
