import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datadogConnector } from '../../../src/connectors/datadog/index.ts';
import type { DatadogConfig } from '../../../src/connectors/datadog/config.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { startDatadogMock, type DatadogMockReceiver } from './mock-receiver.ts';

const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'] });
let mock: DatadogMockReceiver;

beforeAll(async () => {
  mock = await startDatadogMock();
});
afterAll(async () => {
  await mock.close();
  await deps.close();
});

const configFor = (c: Partial<DatadogConfig> = {}): DatadogConfig => ({
  api_key: mock.apiKey,
  endpoint_url: `${mock.url}/api/v2/logs`,
  service: 'authos',
  timeout_ms: 2_000,
  ...c,
});

describe('datadog sender against the strict mock', () => {
  it.each([
    ['gzip', 'gzip'],
    ['none', undefined],
  ] as const)('delivers a batch with compression=%s', async (compression, encoding) => {
    const before = mock.items().length;
    const events = sampleEvents(5);
    const connector = datadogConnector.create(configFor({ compression }), deps);
    expect(await connector.send(events)).toEqual({ kind: 'success', status: 202, message: 'HTTP 202 Accepted' });
    const last = mock.requests().at(-1)!;
    expect(last.headers['content-encoding']).toBe(encoding);
    expect(last.headers['dd-api-key']).toBe(mock.apiKey);
    expect(last.headers['content-type']).toBe('application/json');
    expect(mock.events().slice(-5).map((e) => (e.metadata as { uid: string }).uid)).toEqual(events.map((e) => e.uid));
    expect(mock.items().slice(before).every((i) => i.service === 'authos' && i.ddsource === 'ocsf')).toBe(true);
  });

  it('is accepted on the legacy v1 path the AuthOS seed uses', async () => {
    const connector = datadogConnector.create(configFor({ endpoint_url: `${mock.url}/v1/input` }), deps);
    expect(await connector.send(sampleEvents(1))).toMatchObject({ kind: 'success', status: 200 });
  });

  it('classifies a wrong key as auth with Datadog’s text', async () => {
    const connector = datadogConnector.create(configFor({ api_key: 'wrong' }), deps);
    expect(await connector.send(sampleEvents(1))).toEqual({ kind: 'auth', status: 403, message: 'HTTP 403 Forbidden: Forbidden' });
  });

  it.each([
    ['retry', 'retry', 429],
    ['permanent', 'permanent', 400],
    ['too-large', 'too-large', 413],
    ['auth', 'auth', 403],
  ] as const)('maps an injected %s fault', async (fault, kind, status) => {
    mock.failNext(fault);
    const outcome = await datadogConnector.create(configFor(), deps).send(sampleEvents(2));
    expect(outcome).toMatchObject({ kind, status });
    if (kind === 'retry') expect(outcome).toMatchObject({ retryAfterMs: 1000 });
  });

  it('refuses a batch over the item limit before sending', async () => {
    const count = mock.requestCount();
    const events = sampleEvents(1).flatMap((e) => Array.from({ length: 1001 }, () => e));
    const outcome = await datadogConnector.create(configFor(), deps).send(events);
    expect(outcome.kind).toBe('too-large');
    expect(mock.requestCount()).toBe(count);
  });

  it('reports transport failures without throwing', async () => {
    const refused = createConnectorDeps();
    try {
      const outcome = await datadogConnector.create(configFor(), refused).send(sampleEvents(1));
      expect(outcome.kind).toBe('auth'); // egress guard: loopback over plain http is not allowed by default
      expect(outcome.message).not.toContain(mock.apiKey);
    } finally {
      await refused.close();
    }
  });

  it('encode() shows exactly the request send() makes (uncompressed)', async () => {
    const events = sampleEvents(2);
    const connector = datadogConnector.create(configFor({ compression: 'none' }), deps);
    const [req] = connector.encode(events);
    await connector.send(events);
    expect(mock.requests().at(-1)!.body).toBe(req.body.toString());
    expect(connector.limits.maxEventsPerRequest).toBe(1000);
  });
});
