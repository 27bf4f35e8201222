import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_RETIREMENT_WARNING } from '../../../src/connectors/sentinel/config.ts';
import { sentinelConnector } from '../../../src/connectors/sentinel/index.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { startSentinelMock, type SentinelMockReceiver } from './mock-receiver.ts';

const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'] });
let mock: SentinelMockReceiver;

beforeAll(async () => {
  mock = await startSentinelMock();
});
afterAll(async () => {
  await mock.close();
  await deps.close();
});

const create = (config: Record<string, unknown>) => sentinelConnector.create({ timeout_ms: 2_000, ...config }, deps);

describe('sentinel connection test — Logs Ingestion', () => {
  it('gets a token, sends the synthetic event at once and reports 204', async () => {
    const [event] = sampleEvents(1);
    const tokens = mock.tokenRequestCount();
    expect(await create(mock.ingestionConfig()).test(event)).toEqual({
      success: true,
      status: 204,
      message: 'Successfully connected to SIEM endpoint (status: 204 No Content)',
      eventsSent: 1,
    });
    expect(mock.tokenRequestCount()).toBe(tokens + 1);
    expect((mock.events().at(-1)!.metadata as { uid: string }).uid).toBe(event.uid);
  });

  it('reports Entra’s AADSTS text when the credentials are wrong, sending nothing', async () => {
    const data = mock.requestCount();
    const result = await create(mock.ingestionConfig({ client_secret: 'nope' })).test(sampleEvents(1)[0]);
    expect(result).toEqual({
      success: false,
      status: 400,
      message: expect.stringMatching(/^Entra ID token request failed: HTTP 400 Bad Request: invalid_client: AADSTS7000215: Invalid client secret provided\./),
      eventsSent: 0,
    });
    expect(mock.requestCount()).toBe(data);
  });

  it('reports the ingestion endpoint’s refusal with Azure’s code', async () => {
    mock.failNext('auth');
    const result = await create(mock.ingestionConfig()).test(sampleEvents(1)[0]);
    expect(result).toMatchObject({ success: false, status: 403, eventsSent: 0 });
    expect(result.message).toMatch(/^HTTP 403 Forbidden: OperationFailed: .*Monitoring Metrics Publisher/);
  });
});

describe('sentinel connection test — legacy Data Collector', () => {
  it('sends the synthetic event and carries the retirement warning on success', async () => {
    const result = await create(mock.dataCollectorConfig()).test(sampleEvents(1)[0]);
    expect(result).toEqual({
      success: true,
      status: 200,
      message: `Successfully connected to SIEM endpoint (status: 200 OK). Warning: ${LEGACY_RETIREMENT_WARNING}`,
      eventsSent: 1,
    });
  });

  it('carries it on failure too', async () => {
    const result = await create(mock.dataCollectorConfig({ workspace_id: '00000000-0000-4000-8000-000000000000' })).test(sampleEvents(1)[0]);
    expect(result).toEqual({
      success: false,
      status: 403,
      message: `HTTP 403 Forbidden: InvalidAuthorization: Workspace '00000000-0000-4000-8000-000000000000' is not known. Warning: ${LEGACY_RETIREMENT_WARNING}`,
      eventsSent: 0,
    });
  });
});
