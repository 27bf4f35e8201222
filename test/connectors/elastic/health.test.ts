import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elasticConnector } from '../../../src/connectors/elastic/index.ts';
import type { ElasticConfig } from '../../../src/connectors/elastic/config.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { startElasticMock, type ElasticMockReceiver } from './mock-receiver.ts';

const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'] });
let mock: ElasticMockReceiver;

beforeAll(async () => {
  mock = await startElasticMock({ dataStreams: ['logs-*'] });
});
afterAll(async () => {
  await mock.close();
  await deps.close();
});

const configFor = (c: Partial<ElasticConfig> = {}): ElasticConfig => ({ host: mock.url, api_key: mock.encodedApiKey, timeout_ms: 2_000, ...c });

describe('elastic connection test', () => {
  it('checks the credentials, then sends the synthetic event through _bulk', async () => {
    const [event] = sampleEvents(1);
    expect(await elasticConnector.create(configFor(), deps).test(event)).toEqual({
      success: true,
      status: 200,
      message: 'Successfully connected to SIEM endpoint (status: 200 OK)',
      eventsSent: 1,
    });
    expect(mock.requests().slice(-2).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /_security/_authenticate', 'POST /_bulk']);
    expect(mock.events().at(-1)).toEqual(JSON.parse(event.json));
  });

  it('fails clearly on bad credentials, with Elasticsearch’s reason, before sending', async () => {
    const count = mock.requestCount();
    const badKey = Buffer.from('VuaCfGcBCdbkQm-e5aOx:wrong').toString('base64');
    const result = await elasticConnector.create(configFor({ api_key: badKey }), deps).test(sampleEvents(1)[0]);
    expect(result).toEqual({
      success: false,
      status: 401,
      message:
        'Elasticsearch rejected the credentials (HTTP 401 Unauthorized: security_exception: unable to authenticate with provided credentials and anonymous access is not allowed for this request)',
      eventsSent: 0,
    });
    expect(mock.requestCount()).toBe(count);
  });

  it('falls back to GET / when security is disabled', async () => {
    const open = await startElasticMock({ auth: 'none' });
    try {
      const result = await elasticConnector.create({ host: open.url }, deps).test(sampleEvents(1)[0]);
      expect(result).toMatchObject({ success: true, status: 200 });
      expect(open.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'GET /_security/_authenticate 400',
        'GET / 200',
        'POST /_bulk 200',
      ]);
    } finally {
      await open.close();
    }
  });

  it('reports a per-item rejection of the test event with Elasticsearch’s reason', async () => {
    // A data stream refuses a document whose @timestamp cannot be parsed.
    const [event] = sampleEvents(1);
    const bad = { ...event, json: JSON.stringify({ ...JSON.parse(event.json), '@timestamp': 'yesterday' }) };
    const result = await elasticConnector.create(configFor({ index: 'logs-ocsf-default', data_stream: true }), deps).test(bad);
    expect(result).toEqual({
      success: false,
      status: 200,
      message: `Elasticsearch did not accept the test event: HTTP 400: document_parsing_exception: failed to parse field [@timestamp] of type [date] in document with id '${event.uid}'`,
      eventsSent: 0,
    });
  });

  it('reports a refused target without leaking secrets', async () => {
    const guarded = createConnectorDeps();
    try {
      const result = await elasticConnector.create(configFor({ api_key: undefined, username: 'u', password: 's3cret-pw' }), guarded).test(sampleEvents(1)[0]);
      expect(result.success).toBe(false);
      expect(result.message).toMatch(/^Could not reach Elasticsearch: /);
      expect(result.message).not.toContain('s3cret-pw');
    } finally {
      await guarded.close();
    }
  });
});
