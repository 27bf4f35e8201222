import { describe, expect, it } from 'vitest';
import { createSumoLogicEncoder, renderSumoFields, sumoLine } from '../../../src/connectors/sumo-logic/encoder.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';

const URL = 'https://endpoint1.collection.sumologic.com/receiver/v1/http/TOKEN';
const e1: DeliveryEvent = { uid: 'u1', time: 1, classUid: 3002, severityId: 1, json: '{"class_uid":3002,"metadata":{"uid":"u1"}}' };
const e2: DeliveryEvent = { uid: 'u2', time: 2, classUid: 3002, severityId: 2, json: '{"class_uid":3002,"message":"ünïcødé"}' };

describe('sumo_logic encoder', () => {
  it('encodes NDJSON with every line newline-terminated and the X-Sumo headers', () => {
    const encode = createSumoLogicEncoder({
      url: URL,
      category: 'prod/ocsf',
      source_name: 'siemstream',
      source_host: 'authos-1',
      fields: { environment: 'prod', team: 'sec' },
    });
    expect(encode([e1, e2])).toEqual({
      method: 'POST',
      url: URL,
      headers: {
        'X-Sumo-Category': 'prod/ocsf',
        'X-Sumo-Name': 'siemstream',
        'X-Sumo-Host': 'authos-1',
        'X-Sumo-Fields': 'environment=prod,team=sec',
      },
      body: Buffer.from('{"class_uid":3002,"metadata":{"uid":"u1"}}\n{"class_uid":3002,"message":"ünïcødé"}\n', 'utf8'),
      gzip: true,
      eventCount: 2,
    });
  });

  it('sends no optional header it was not given, no Content-Type, and honours compression=none', () => {
    const req = createSumoLogicEncoder({ url: URL, fields: {}, compression: 'none' })([e1]);
    expect(req.headers).toEqual({});
    expect(req.gzip).toBe(false);
    expect(req.body.toString()).toBe(`${e1.json}\n`);
    expect(createSumoLogicEncoder({ url: URL })([]).body.length).toBe(0);
  });

  it('keeps one event per line even for pretty-printed JSON', () => {
    const pretty: DeliveryEvent = { ...e1, json: '{\r\n  "a": "x",\n  "b": 1\n}' };
    expect(sumoLine(pretty)).toBe('{  "a": "x",  "b": 1}');
    expect(JSON.parse(sumoLine(pretty))).toEqual({ a: 'x', b: 1 });
    expect(sumoLine(e1)).toBe(e1.json);
  });

  it('renders fields as k=v pairs in insertion order', () => {
    expect(renderSumoFields({ b: '2', a: '1', c: '' })).toBe('b=2,a=1,c=');
  });
});
