import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { httpConnector } from '../../../src/connectors/http/index.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import type { ConnectorDeps } from '../../../src/connectors/shared/types.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { startLoopbackServer } from '../shared/loopback-server.ts';
import { startHttpMock, type HttpMockReceiver } from './mock-receiver.ts';

const NOW = 1_718_020_800_000;
const SECRET = 'receiver-shared-hmac-secret';
const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'], now: () => NOW });
afterAll(() => deps.close());

const uids = (events: Record<string, unknown>[]) => events.map((e) => (e.metadata as { uid: string }).uid);

describe('http connector against the strict mock', () => {
  let mock: HttpMockReceiver;
  afterEach(() => mock?.close());

  it('json_array + Bearer: delivered and decoded', async () => {
    mock = await startHttpMock({ format: 'json_array', bearer: 'tok' });
    const events = sampleEvents(3);
    const outcome = await httpConnector.create({ url: mock.url, api_key: 'tok' }, deps).send(events);
    expect(outcome).toMatchObject({ kind: 'success', status: 200 });
    expect(uids(mock.events())).toEqual(events.map((e) => e.uid));
  });

  it('ndjson + custom header + HMAC + gzip: the mock verifies the signature over the uncompressed body', async () => {
    mock = await startHttpMock({ format: 'ndjson', authHeader: ['X-API-Key', 'abc'], hmacSecret: SECRET, now: () => NOW + 30_000 });
    const events = sampleEvents(2);
    const connector = httpConnector.create(
      { url: mock.url, auth_header: 'X-API-Key: abc', format: 'ndjson', hmac_secret: SECRET, compression: 'gzip', headers: { 'X-Tenant': 'acme' } },
      deps,
    );
    expect(await connector.send(events)).toMatchObject({ kind: 'success' });
    const [req] = mock.requests();
    expect(req.headers['content-encoding']).toBe('gzip');
    expect(req.headers['x-tenant']).toBe('acme');
    expect(req.headers['x-siemstream-timestamp']).toBe(String(NOW / 1000));
    expect(gunzipSync(req.body).toString()).toBe(`${events.map((e) => e.json).join('\n')}\n`);
    expect(uids(mock.events())).toEqual(events.map((e) => e.uid));
  });

  it('every request (and retry) gets a fresh signature id', async () => {
    mock = await startHttpMock({ format: 'json_array', hmacSecret: SECRET, now: () => NOW });
    const connector = httpConnector.create({ url: mock.url, hmac_secret: SECRET }, deps);
    mock.failNext('retry');
    expect(await connector.send(sampleEvents(1))).toMatchObject({ kind: 'retry', status: 503, retryAfterMs: 2000 });
    expect(await connector.send(sampleEvents(1))).toMatchObject({ kind: 'success' });
    const ids = mock.requests().map((r) => r.headers['x-siemstream-id']);
    expect(new Set(ids).size).toBe(2);
  });

  it('a wrong HMAC secret, a stale timestamp or a wrong key are refused (auth)', async () => {
    mock = await startHttpMock({ format: 'json_array', bearer: 'tok', hmacSecret: SECRET, now: () => NOW + 301_000 });
    const stale = await httpConnector.create({ url: mock.url, api_key: 'tok', hmac_secret: SECRET }, deps).send(sampleEvents(1));
    expect(stale).toMatchObject({ kind: 'auth', status: 401 });
    expect(stale.message).toContain('timestamp outside tolerance');
    await mock.close();

    mock = await startHttpMock({ format: 'json_array', bearer: 'tok', hmacSecret: SECRET, now: () => NOW });
    const forged = await httpConnector.create({ url: mock.url, api_key: 'tok', hmac_secret: 'another-secret-of-16' }, deps).send(sampleEvents(1));
    expect(forged.message).toContain('signature mismatch');
    const wrongKey = await httpConnector.create({ url: mock.url, api_key: 'nope', hmac_secret: SECRET }, deps).send(sampleEvents(1));
    expect(wrongKey).toMatchObject({ kind: 'auth' });
    expect(wrongKey.message).not.toContain('nope');
    expect(mock.events()).toEqual([]);
  });

  it('the mock refuses a body in the wrong format', async () => {
    mock = await startHttpMock({ format: 'ndjson' });
    const outcome = await httpConnector.create({ url: mock.url, format: 'json_array' }, deps).send(sampleEvents(1));
    expect(outcome).toMatchObject({ kind: 'permanent', status: 415 });
  });

  it('test() posts the synthetic event; failures carry the receiver text', async () => {
    mock = await startHttpMock({ format: 'json_array', bearer: 'tok' });
    const ok = await httpConnector.create({ url: mock.url, api_key: 'tok' }, deps).test(sampleEvents(1)[0]);
    expect(ok).toEqual({ success: true, status: 200, message: 'Successfully connected to SIEM endpoint (status: 200 OK)', eventsSent: 1 });
    const bad = await httpConnector.create({ url: mock.url, api_key: 'bad' }, deps).test(sampleEvents(1)[0]);
    expect(bad).toMatchObject({ success: false, status: 401, eventsSent: 0 });
    expect(bad.message).toContain('invalid bearer token');
    expect(mock.events()).toHaveLength(1);
  });
});

describe('http outcome classification', () => {
  const rows: [number, string][] = [
    [200, 'success'],
    [202, 'success'],
    [204, 'success'],
    [302, 'permanent'],
    [400, 'permanent'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'permanent'],
    [408, 'retry'],
    [413, 'too-large'],
    [429, 'retry'],
    [500, 'retry'],
    [501, 'permanent'],
    [502, 'retry'],
  ];
  it.each(rows)('HTTP %i → %s', async (status, kind) => {
    const server = await startLoopbackServer((_req, res) => {
      res.writeHead(status, status === 302 ? { location: 'https://elsewhere.example.com/' } : {});
      res.end();
    });
    try {
      const connector = httpConnector.create({ url: `http://127.0.0.1:${server.port}/in` }, deps as ConnectorDeps);
      const outcome = await connector.send(sampleEvents(1));
      expect(outcome).toMatchObject({ kind, status });
      // Redirects are never followed.
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
