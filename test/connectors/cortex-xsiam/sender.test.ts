import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { cortexXsiamConnector } from '../../../src/connectors/cortex-xsiam/index.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import type { Connector } from '../../../src/connectors/shared/types.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { startLoopbackServer, type LoopbackServer } from '../shared/loopback-server.ts';
import { startXsiamMock, type XsiamMockReceiver } from './mock-receiver.ts';

const KEY = 'collector-key-abc';
const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'], now: () => 1_700_000_000_000 });
afterAll(() => deps.close());

function connectorFor(url: string, extra: Record<string, unknown> = {}): Connector {
  return cortexXsiamConnector.create({ url, api_key: KEY, timeout_ms: 2000, ...extra }, deps);
}

describe('cortex_xsiam against the strict collector mock', () => {
  let mock: XsiamMockReceiver;
  afterEach(() => mock?.close());

  it('delivers a batch as NDJSON and the collector decodes every event', async () => {
    mock = await startXsiamMock({ apiKey: KEY, gzip: false });
    const events = sampleEvents(3);
    const outcome = await connectorFor(mock.url).send(events);
    expect(outcome).toMatchObject({ kind: 'success', status: 200 });
    expect(mock.events().map((e) => (e.metadata as { uid: string }).uid)).toEqual(events.map((e) => e.uid));
    const [req] = mock.requests();
    expect(req.headers.authorization).toBe(KEY);
    expect(req.headers['content-encoding']).toBeUndefined();
    expect(req.body.toString().split('\n')).toHaveLength(3);
  });

  it('gzips when the collector is set to gzip', async () => {
    mock = await startXsiamMock({ apiKey: KEY, gzip: true });
    const events = sampleEvents(2);
    expect(await connectorFor(mock.url, { compression: 'gzip' }).send(events)).toMatchObject({ kind: 'success' });
    const [req] = mock.requests();
    expect(req.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(req.body).toString()).toBe(events.map((e) => e.json).join('\n'));
    expect(mock.events()).toHaveLength(2);
  });

  it('an uncompressed body to a gzip collector is refused (compression must match the collector)', async () => {
    mock = await startXsiamMock({ apiKey: KEY, gzip: true });
    const outcome = await connectorFor(mock.url).send(sampleEvents(1));
    expect(outcome).toMatchObject({ kind: 'permanent', status: 400 });
    expect(mock.events()).toHaveLength(0);
  });

  it('a wrong key is an auth outcome carrying the collector text, without the key', async () => {
    mock = await startXsiamMock({ apiKey: KEY, gzip: false });
    const connector = cortexXsiamConnector.create({ url: mock.url, api_key: 'wrong-key' }, deps);
    const outcome = await connector.send(sampleEvents(1));
    expect(outcome.kind).toBe('auth');
    expect(outcome.message).toContain('Failed to validate authentication detail');
    expect(outcome.message).not.toContain('wrong-key');
  });

  it('the mock is strict: Bearer auth, a JSON array body and an over-10 MB batch are refused', async () => {
    mock = await startXsiamMock({ apiKey: KEY, gzip: false });
    const post = (headers: Record<string, string>, body: string | Buffer) =>
      request(`${mock.url}/logs/v1/event`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const bearer = await post({ authorization: `Bearer ${KEY}` }, '{"a":1}');
    expect(bearer.statusCode).toBe(401);
    expect(await bearer.body.text()).toBe('{"error":"Failed to validate authentication detail"}');
    const array = await post({ authorization: KEY }, '[{"a":1},{"a":2}]');
    expect(array.statusCode).toBe(400);
    await array.body.dump();
    const big = await post({ authorization: KEY }, Buffer.alloc(10 * 1024 * 1024 + 1, 0x20));
    expect(big.statusCode).toBe(413);
    await big.body.dump();
    const wrongPath = await request(`${mock.url}/logs/v1/xsiam`, { method: 'POST', body: '{}' });
    expect(wrongPath.statusCode).toBe(404);
    await wrongPath.body.dump();
    expect(mock.events()).toEqual([]);
  });

  it('test() posts the synthetic event and reports the seed wording', async () => {
    mock = await startXsiamMock({ apiKey: KEY, gzip: false });
    const [event] = sampleEvents(1);
    const result = await connectorFor(mock.url).test(event);
    expect(result).toEqual({
      success: true,
      status: 200,
      message: 'Successfully connected to SIEM endpoint (status: 200 OK)',
      eventsSent: 1,
    });
    expect(mock.events()).toHaveLength(1);
  });

  it('test() failure returns the collector text', async () => {
    mock = await startXsiamMock({ apiKey: KEY, gzip: false });
    mock.failNext('auth');
    const result = await connectorFor(mock.url).test(sampleEvents(1)[0]);
    expect(result.success).toBe(false);
    expect(result.eventsSent).toBe(0);
    expect(result.status).toBe(401);
    expect(result.message).toContain('Failed to validate authentication detail');
  });
});

describe('cortex_xsiam outcome classification', () => {
  let server: LoopbackServer;
  let answer: { status: number; body: string; headers?: Record<string, string> };
  beforeAll(async () => {
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
  });
  afterAll(() => server.close());

  const rows: [number, string, Record<string, string> | undefined, string, number | undefined][] = [
    [200, '{"error":"false"}', undefined, 'success', undefined],
    [401, '{"error":"Failed to validate authentication detail"}', undefined, 'auth', undefined],
    [403, '{"error":"Forbidden"}', undefined, 'auth', undefined],
    [413, '{"error":"too large"}', undefined, 'too-large', undefined],
    [429, '{"error":"rate"}', { 'retry-after': '7' }, 'retry', 7000],
    [500, 'Unexpected error', undefined, 'retry', undefined],
    [503, '', undefined, 'retry', undefined],
    [400, '{"error":"bad"}', undefined, 'permanent', undefined],
    [501, '', undefined, 'permanent', undefined],
  ];
  it.each(rows)('HTTP %i → %s', async (status, body, headers, kind, retryAfterMs) => {
    answer = { status, body, headers };
    const outcome = await connectorFor(`http://127.0.0.1:${server.port}`).send(sampleEvents(1));
    expect(outcome.kind).toBe(kind);
    expect(outcome.status).toBe(status);
    if (retryAfterMs !== undefined) expect(outcome).toMatchObject({ retryAfterMs });
  });

  it('an unreachable collector is a retry', async () => {
    const closed = await startLoopbackServer(() => {});
    const url = `http://127.0.0.1:${closed.port}`;
    await closed.close();
    expect((await connectorFor(url).send(sampleEvents(1))).kind).toBe('retry');
  });

  it('a refused egress target (plain http to a non-allowed host) is an auth-class outcome, no request made', async () => {
    const strictDeps = createConnectorDeps({});
    const connector = cortexXsiamConnector.create({ url: `http://127.0.0.1:${server.port}`, api_key: KEY }, strictDeps);
    const before = server.requests.length;
    expect((await connector.send(sampleEvents(1))).kind).toBe('auth');
    expect(server.requests.length).toBe(before);
    await strictDeps.close();
  });
});
