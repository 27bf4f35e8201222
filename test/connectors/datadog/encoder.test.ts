import { describe, expect, it } from 'vitest';
import { createDatadogEncoder, datadogLimits, datadogStatus } from '../../../src/connectors/datadog/encoder.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';
import { sampleEvents } from '../../fixtures/events.ts';

const fixed: DeliveryEvent = {
  uid: 'e1',
  time: 1_718_020_800_000,
  classUid: 3002,
  severityId: 4,
  json: '{"class_uid":3002,"message":"a \\"quoted\\"\\nline","metadata":{"uid":"e1"},"service":{"name":"sso"}}',
};

describe('datadog encoder', () => {
  it('produces the exact request for a fixed event', () => {
    const [req] = createDatadogEncoder({
      api_key: 'KEY',
      service: 'authos',
      hostname: 'sso-1',
      tags: 'env:prod,team:sec',
    })([fixed]);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://http-intake.logs.datadoghq.com/api/v2/logs');
    expect(req.headers).toEqual({ 'Content-Type': 'application/json', Accept: 'application/json', 'DD-API-KEY': 'KEY' });
    expect(req.gzip).toBe(true);
    expect(req.eventCount).toBe(1);
    expect(req.body.toString()).toBe(
      '[{"ddsource":"ocsf","service":"authos","hostname":"sso-1","ddtags":"env:prod,team:sec","timestamp":1718020800000,' +
        '"status":"error","message":"{\\"class_uid\\":3002,\\"message\\":\\"a \\\\\\"quoted\\\\\\"\\\\nline\\",\\"metadata\\":{\\"uid\\":\\"e1\\"},\\"service\\":{\\"name\\":\\"sso\\"}}"}]',
    );
  });

  it('keeps the OCSF event intact inside message and off the item root', () => {
    const events = sampleEvents(3);
    const [req] = createDatadogEncoder({ api_key: 'k', source: 'authos', compression: 'none' })(events);
    expect(req.gzip).toBe(false);
    const items = JSON.parse(req.body.toString()) as Record<string, unknown>[];
    expect(items).toHaveLength(3);
    items.forEach((item, i) => {
      expect(Object.keys(item).sort()).toEqual(['ddsource', 'message', 'status', 'timestamp']);
      expect(item.ddsource).toBe('authos');
      expect(item.timestamp).toBe(events[i].time);
      expect(item.message).toBe(events[i].json);
    });
  });

  it('honours endpoint_url verbatim (the seed v1 URL) and encodes nothing for no events', () => {
    const encode = createDatadogEncoder({ api_key: 'k', endpoint_url: 'https://http-intake.logs.datadoghq.com/v1/input' });
    expect(encode(sampleEvents(1))[0].url).toBe('https://http-intake.logs.datadoghq.com/v1/input');
    expect(encode([])).toEqual([]);
  });

  it('maps OCSF severity to Datadog status', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 99, 42].map(datadogStatus)).toEqual([
      'info', 'info', 'notice', 'warning', 'error', 'critical', 'emergency', 'info', 'info',
    ]);
  });

  it('declares the documented limits', () => {
    expect(datadogLimits).toEqual({ maxEventsPerRequest: 1000, maxRequestBytes: 5_000_000, maxEventBytes: 1_000_000 });
  });
});
