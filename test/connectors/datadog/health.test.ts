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
  timeout_ms: 2_000,
  ...c,
});

describe('datadog connection test', () => {
  it('validates the key, then sends the synthetic event', async () => {
    const [event] = sampleEvents(1);
    const result = await datadogConnector.create(configFor(), deps).test(event);
    expect(result).toEqual({
      success: true,
      status: 202,
      message: 'Successfully connected to SIEM endpoint (status: 202 Accepted)',
      eventsSent: 1,
    });
    const paths = mock.requests().slice(-2).map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(['GET /api/v1/validate', 'POST /api/v2/logs']);
    expect(mock.requests().at(-2)!.headers['dd-api-key']).toBe(mock.apiKey);
    expect(mock.events().at(-1)).toEqual(JSON.parse(event.json));
  });

  it('stops at an invalid key with Datadog’s answer and sends nothing', async () => {
    const count = mock.requestCount();
    const result = await datadogConnector.create(configFor({ api_key: 'not-the-key' }), deps).test(sampleEvents(1)[0]);
    expect(result).toEqual({
      success: false,
      status: 403,
      message: 'Datadog rejected the API key (HTTP 403 Forbidden: Forbidden)',
      eventsSent: 0,
    });
    expect(mock.requestCount()).toBe(count);
  });

  it('reports an intake refusal after a valid key', async () => {
    mock.failNextWith(503);
    const result = await datadogConnector.create(configFor(), deps).test(sampleEvents(1)[0]);
    expect(result).toEqual({
      success: false,
      status: 503,
      message: 'Datadog did not accept the test event: HTTP 503 Service Unavailable: Service Unavailable: injected 503',
      eventsSent: 0,
    });
  });

  it('reports an unreachable or refused endpoint clearly, without the key', async () => {
    const guarded = createConnectorDeps();
    try {
      const result = await datadogConnector.create(configFor(), guarded).test(sampleEvents(1)[0]);
      expect(result.success).toBe(false);
      expect(result.message).toMatch(/^Could not reach the Datadog API to validate the API key: /);
      expect(result.message).not.toContain(mock.apiKey);
    } finally {
      await guarded.close();
    }
  });
});
