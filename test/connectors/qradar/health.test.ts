import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { qradarConnector } from '../../../src/connectors/qradar/index.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { startHttpReceiverMock, startSyslogMock, type HttpReceiverMock } from './mock-receiver.ts';
import { startQradarApiMock, type QradarApiMock } from './rest-api-mock.ts';

const TOKEN = 'sec-token-0000-1111';
const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'] });
let api: QradarApiMock;
beforeAll(async () => {
  api = await startQradarApiMock({ token: TOKEN, logSources: { 12345: 'siemstream OCSF' } });
});
afterAll(async () => {
  await api.close();
  await deps.close();
});

describe('qradar connection test over the HTTP Receiver', () => {
  let receiver: HttpReceiverMock;
  beforeAll(async () => {
    receiver = await startHttpReceiverMock();
  });
  afterAll(() => receiver.close());

  const connectorWith = (extra: Record<string, unknown>) =>
    qradarConnector.create({ host: api.url, port: receiver.port, verify_ssl: false, ...extra }, deps);

  it('checks the log source with SEC / Version / Accept, then sends the event', async () => {
    const before = receiver.events().length;
    const result = await connectorWith({ token: TOKEN, log_source_id: 12345 }).test(sampleEvents(1)[0]);
    expect(result).toEqual({
      success: true,
      status: 200,
      message: 'Successfully connected to SIEM endpoint (status: 200 OK); log source 12345 "siemstream OCSF" found',
      eventsSent: 1,
    });
    expect(receiver.events().length).toBe(before + 1);
    const call = api.requests().at(-1)!;
    expect(call.method).toBe('GET');
    expect(call.url).toBe('/api/config/event_sources/log_source_management/log_sources/12345');
    expect(call.headers).toMatchObject({ sec: TOKEN, version: '19.0', accept: 'application/json' });
    expect(call.headers.authorization).toBeUndefined();
  });

  it('a rejected SEC token fails the test before any event is sent, without echoing the token', async () => {
    const before = receiver.requestCount();
    const result = await connectorWith({ token: 'wrong-token', log_source_id: 12345 }).test(sampleEvents(1)[0]);
    expect(result).toEqual({ success: false, status: 401, message: 'QRadar rejected the SEC token', eventsSent: 0 });
    expect(receiver.requestCount()).toBe(before);
  });

  it('an unknown log source id is reported as such', async () => {
    const result = await connectorWith({ token: TOKEN, log_source_id: 999 }).test(sampleEvents(1)[0]);
    expect(result).toMatchObject({ success: false, status: 404, message: 'QRadar has no log source with id 999', eventsSent: 0 });
  });

  it('without token + log_source_id there is no REST call', async () => {
    const calls = api.requests().length;
    const result = await connectorWith({ log_source_id: 12345 }).test(sampleEvents(1)[0]);
    expect(result).toMatchObject({ success: true, message: 'Successfully connected to SIEM endpoint (status: 200 OK)' });
    expect(api.requests().length).toBe(calls);
  });

  it('a receiver failure carries its status and text', async () => {
    receiver.failNext('retry');
    const result = await connectorWith({}).test(sampleEvents(1)[0]);
    expect(result).toMatchObject({ success: false, status: 503, eventsSent: 0 });
    expect(result.message).toContain('Service Unavailable');
  });

  it('an unreachable REST API is reported as such', async () => {
    const result = await qradarConnector
      .create({ host: 'https://127.0.0.1:1', port: receiver.port, token: TOKEN, log_source_id: 1, verify_ssl: false, timeout_ms: 1000 }, deps)
      .test(sampleEvents(1)[0]);
    expect(result.success).toBe(false);
    expect(result.message).toMatch(/^QRadar REST API unreachable: /);
  });

  it('the REST mock is strict: Bearer is no substitute for SEC', async () => {
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      const res = await request(`${api.url}/api/config/event_sources/log_source_management/log_sources/12345`, {
        headers: { authorization: `Bearer ${TOKEN}`, version: '19.0', accept: 'application/json' },
        dispatcher,
      });
      expect(res.statusCode).toBe(401);
      expect(((await res.body.json()) as { message: string }).message).toContain('No SEC header');
    } finally {
      await dispatcher.close();
    }
  });
});

describe('qradar connection test over syslog', () => {
  let mock: Awaited<ReturnType<typeof startSyslogMock>>;
  afterEach(() => mock?.close());

  it('TLS syslog: the REST check, then the event written (and said to be unacknowledged)', async () => {
    mock = await startSyslogMock({ tls: true });
    const connector = qradarConnector.create(
      { host: api.url, transport: 'syslog_tls', port: mock.port, token: TOKEN, log_source_id: 12345, verify_ssl: false },
      deps,
    );
    const [event] = sampleEvents(1);
    const result = await connector.test(event);
    await connector.close();
    expect(result).toEqual({
      success: true,
      message: `Test event written to QRadar TLS syslog at 127.0.0.1:${mock.port} (syslog has no delivery acknowledgement); log source 12345 "siemstream OCSF" found`,
      eventsSent: 1,
    });
    expect(mock.events().map((e) => (e.metadata as { uid: string }).uid)).toEqual([event.uid]);
  });

  it('plain TCP syslog to a target the egress list does not allow fails with the guard message', async () => {
    mock = await startSyslogMock({ tls: false });
    const strict = createConnectorDeps({});
    const connector = qradarConnector.create({ host: '127.0.0.1', transport: 'syslog_tcp', port: mock.port }, strict);
    const result = await connector.test(sampleEvents(1)[0]);
    await connector.close();
    await strict.close();
    expect(result.success).toBe(false);
    expect(result.message).toContain('SIEM_EGRESS_ALLOW');
    expect(mock.connectionCount()).toBe(0);
  });
});
