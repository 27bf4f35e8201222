import { describe, expect, it } from 'vitest';
import { createElasticEncoder, elasticLimits, elasticSource } from '../../../src/connectors/elastic/encoder.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';
import { sampleEvents } from '../../fixtures/events.ts';

const ENCODED = Buffer.from('id:key').toString('base64');
const event = (uid: string, json: string, time = 1_718_020_800_000): DeliveryEvent => ({ uid, time, classUid: 3002, severityId: 1, json });

describe('elastic encoder', () => {
  it('produces the exact request for fixed events', () => {
    const [req] = createElasticEncoder({ host: 'https://es.example.com:9200/', api_key: ENCODED })([
      event('u-1', '{"class_uid":3002,"metadata":{"uid":"u-1"}}'),
      event('u-"2"', '{"class_uid":3002,"msg":"a\\nb"}', 1_718_020_801_500),
    ]);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://es.example.com:9200/_bulk');
    expect(req.headers).toEqual({ 'Content-Type': 'application/x-ndjson', Accept: 'application/json', Authorization: `ApiKey ${ENCODED}` });
    expect(req.gzip).toBe(true);
    expect(req.eventCount).toBe(2);
    expect(req.body.toString()).toBe(
      '{"create":{"_index":"ocsf-events","_id":"u-1"}}\n' +
        '{"@timestamp":"2024-06-10T12:00:00.000Z","class_uid":3002,"metadata":{"uid":"u-1"}}\n' +
        '{"create":{"_index":"ocsf-events","_id":"u-\\"2\\""}}\n' +
        '{"@timestamp":"2024-06-10T12:00:01.500Z","class_uid":3002,"msg":"a\\nb"}\n',
    );
  });

  it('uses the configured index, basic auth, pipeline and compression switch', () => {
    const events = sampleEvents(1);
    const [req] = createElasticEncoder({
      host: 'https://es:9200',
      username: 'u',
      password: 'p',
      index: 'logs-ocsf-default',
      pipeline: 'ocsf',
      compression: 'none',
    })(events);
    expect(req.url).toBe('https://es:9200/_bulk?pipeline=ocsf');
    expect(req.headers.Authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(req.gzip).toBe(false);
    expect(req.body.toString().split('\n')[0]).toBe(`{"create":{"_index":"logs-ocsf-default","_id":"${events[0].uid}"}}`);
    expect(createElasticEncoder({ host: 'https://es:9200' })(events)[0].headers.Authorization).toBeUndefined();
  });

  it('keeps every sample event intact after the spliced @timestamp', () => {
    const events = sampleEvents(4);
    const [req] = createElasticEncoder({ host: 'https://es:9200' })(events);
    const lines = req.body.toString().split('\n');
    expect(lines).toHaveLength(9); // 4 × (action + source) + the empty string after the trailing newline
    events.forEach((e, i) => {
      expect(JSON.parse(lines[2 * i])).toEqual({ create: { _index: 'ocsf-events', _id: e.uid } });
      const { '@timestamp': ts, ...rest } = JSON.parse(lines[2 * i + 1]) as Record<string, unknown>;
      expect(ts).toBe(new Date(e.time).toISOString());
      expect(rest).toEqual(JSON.parse(e.json));
    });
  });

  it('normalises pretty-printed JSON and never duplicates an existing top-level @timestamp', () => {
    expect(elasticSource(event('a', '{\n  "x": 1\n}', 0))).toBe('{"@timestamp":"1970-01-01T00:00:00.000Z","x":1}');
    expect(elasticSource(event('a', ' {"x":1}', 0))).toBe('{"@timestamp":"1970-01-01T00:00:00.000Z","x":1}');
    expect(elasticSource(event('a', '{"@timestamp":"2020-01-01T00:00:00Z","x":1}'))).toBe('{"@timestamp":"2020-01-01T00:00:00Z","x":1}');
    expect(elasticSource(event('a', '{"x":{"@timestamp":1}}', 0))).toBe('{"@timestamp":"1970-01-01T00:00:00.000Z","x":{"@timestamp":1}}');
    expect(elasticSource(event('a', '{}', 0))).toBe('{"@timestamp":"1970-01-01T00:00:00.000Z"}');
  });

  it('encodes nothing for no events and declares the limits', () => {
    expect(createElasticEncoder({ host: 'https://es:9200' })([])).toEqual([]);
    expect(elasticLimits).toEqual({ maxEventsPerRequest: 10_000, maxRequestBytes: 10_000_000, maxEventBytes: 5_000_000 });
  });
});

describe('elastic data streams', () => {
  it('targets logs-ocsf-default when data_stream is set without an index, the configured index otherwise', () => {
    const [event] = sampleEvents(1);
    const meta = (config: Record<string, unknown>) => {
      const [req] = createElasticEncoder({ host: 'https://es.example.com:9200', ...config } as never)([event]);
      return JSON.parse(req.body.toString('utf8').split('\n')[0]);
    };
    expect(meta({ data_stream: true })).toEqual({ create: { _index: 'logs-ocsf-default', _id: event.uid } });
    expect(meta({})).toEqual({ create: { _index: 'ocsf-events', _id: event.uid } });
    expect(meta({ data_stream: true, index: 'logs-audit-prod' }).create._index).toBe('logs-audit-prod');
  });
});
