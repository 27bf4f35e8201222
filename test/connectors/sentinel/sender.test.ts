import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentinelConnector } from '../../../src/connectors/sentinel/index.ts';
import { dataCollectorLimits, logsIngestionLimits } from '../../../src/connectors/sentinel/limits.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { startSentinelMock, type SentinelMockReceiver } from './mock-receiver.ts';

let clock = Date.UTC(2026, 10, 21, 12, 0, 0);
const now = () => clock;
const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'], now });
let mock: SentinelMockReceiver;

beforeAll(async () => {
  mock = await startSentinelMock({ now });
});
afterAll(async () => {
  await mock.close();
  await deps.close();
});

const uids = (events: readonly DeliveryEvent[]) => events.map((e) => e.uid);
const receivedUids = (n: number) => mock.events().slice(-n).map((e) => (e.metadata as { uid: string }).uid);
const ingestion = (extra: Record<string, unknown> = {}) =>
  sentinelConnector.create(mock.ingestionConfig({ timeout_ms: 2_000, ...extra }), deps);
const legacy = (extra: Record<string, unknown> = {}) => sentinelConnector.create(mock.dataCollectorConfig({ timeout_ms: 2_000, ...extra }), deps);

describe('sentinel Logs Ingestion sender', () => {
  it.each([
    ['gzip', 'gzip'],
    ['none', undefined],
  ] as const)('delivers a batch with compression=%s (204)', async (compression, encoding) => {
    const events = sampleEvents(4);
    const connector = ingestion({ compression });
    expect(await connector.send(events)).toEqual({ kind: 'success', status: 204, message: 'HTTP 204 No Content' });
    const last = mock.requests().at(-1)!;
    expect(last.api).toBe('logs_ingestion');
    expect(last.headers['content-encoding']).toBe(encoding);
    expect(last.headers['content-type']).toBe('application/json');
    expect(last.headers.authorization).toMatch(/^Bearer \S+$/);
    expect(last.rawQuery).toBe('api-version=2023-01-01');
    expect(receivedUids(4)).toEqual(uids(events));
    expect(mock.records().slice(-4).map((r) => r.TimeGenerated)).toEqual(events.map((e) => new Date(e.time).toISOString()));
    // The OCSF event arrives intact (TimeGenerated aside).
    expect(mock.events().at(-1)).toEqual(JSON.parse(events[3].json));
  });

  it('sends gzip that decompresses to exactly the encoded body', async () => {
    const connector = ingestion();
    const events = sampleEvents(3);
    await connector.send(events);
    const [encoded] = connector.encode(events);
    const last = mock.requests().at(-1)!;
    expect(last.headers['content-encoding']).toBe('gzip');
    expect(last.wireBytes).toBeLessThan(encoded.body.length);
    // The mock records the decompressed body.
    expect(Buffer.from(last.body)).toEqual(encoded.body);
  });

  it('reuses one token across sends, and shows it in encode() once fetched', async () => {
    const connector = ingestion();
    expect(connector.encode(sampleEvents(1))[0].headers.Authorization).toBe('Bearer <Entra ID access token>');
    const tokensBefore = mock.tokenRequestCount();
    await connector.send(sampleEvents(1));
    await connector.send(sampleEvents(1));
    expect(mock.tokenRequestCount()).toBe(tokensBefore + 1);
    expect(connector.encode(sampleEvents(1))[0].headers.Authorization).toBe(mock.requests().at(-1)!.headers.authorization);
  });

  it('refreshes the token once on a 401 and retries', async () => {
    const connector = ingestion();
    await connector.send(sampleEvents(1));
    mock.revokeTokens();
    const [tokens, data] = [mock.tokenRequestCount(), mock.requestCount()];
    const events = sampleEvents(2);
    expect(await connector.send(events)).toMatchObject({ kind: 'success', status: 204 });
    expect(mock.tokenRequestCount()).toBe(tokens + 1);
    expect(mock.requestCount()).toBe(data + 2);
    expect(receivedUids(2)).toEqual(uids(events));
  });

  it('gives up after one refresh: a second 401 is auth', async () => {
    const connector = ingestion();
    mock.failNextWith(401, 2, 'InvalidToken');
    const data = mock.requestCount();
    expect(await connector.send(sampleEvents(1))).toEqual({
      kind: 'auth',
      status: 401,
      message: expect.stringMatching(/^HTTP 401 Unauthorized: InvalidToken: injected 401 \(the token was refused/),
    });
    expect(mock.requestCount()).toBe(data + 2);
  });

  it.each([
    ['retry', { kind: 'retry', status: 429, retryAfterMs: 1000 }, /TooManyRequests/],
    ['auth', { kind: 'auth', status: 403 }, /OperationFailed: The authentication token .* \(the application needs the Monitoring Metrics Publisher role/],
    ['permanent', { kind: 'permanent', status: 400 }, /^HTTP 400 Bad Request: InvalidContent: /],
    ['too-large', { kind: 'too-large', status: 413 }, /ContentLengthLimitExceeded/],
  ] as const)('maps an injected %s fault with Azure’s code and message', async (fault, expected, message) => {
    mock.failNext(fault);
    const outcome = await ingestion().send(sampleEvents(1));
    expect(outcome).toEqual({ ...expected, message: expect.stringMatching(message) });
  });

  it('names the unknown DCR (404 → permanent)', async () => {
    const outcome = await ingestion({ dcr_immutable_id: 'dcr-ffffffffffffffffffffffffffffffff' }).send(sampleEvents(1));
    expect(outcome).toEqual({
      kind: 'permanent',
      status: 404,
      message:
        "HTTP 404 Not Found: NotFound: Data collection rule with immutable Id 'dcr-ffffffffffffffffffffffffffffffff' not found. " +
        '(check dce_url, dcr_immutable_id and stream_name)',
    });
  });

  it('keeps events (auth) when Entra refuses the credentials, without contacting the DCE', async () => {
    const data = mock.requestCount();
    const outcome = await ingestion({ client_secret: 'wrong-secret' }).send(sampleEvents(1));
    expect(outcome).toMatchObject({ kind: 'auth', status: 400, message: expect.stringContaining('AADSTS7000215') });
    expect(outcome.message).not.toContain('wrong-secret');
    expect(mock.requestCount()).toBe(data);
  });

  it('refuses a batch over 1 MB (whole body) as too-large without sending it', async () => {
    const data = mock.requestCount();
    const big = sampleEvents(2).map((e) => ({ ...e, json: e.json.replace('"message":"', `"message":"${'x'.repeat(500_000)}`) }));
    const outcome = await ingestion().send(big);
    expect(outcome).toEqual({ kind: 'too-large', message: expect.stringMatching(/^batch of 2 events \(\d+ bytes\) exceeds the Logs Ingestion API limits/) });
    expect(mock.requestCount()).toBe(data);
    // Either half alone fits and is accepted.
    expect(await ingestion().send(big.slice(0, 1))).toMatchObject({ kind: 'success' });
    expect(logsIngestionLimits).toEqual({ maxEventsPerRequest: 10_000, maxRequestBytes: 999_500, maxEventBytes: 999_455 });
  });

  it('classifies an unreachable endpoint as retry', async () => {
    const outcome = await ingestion({ dce_url: 'http://127.0.0.1:1' }).send(sampleEvents(1));
    expect(outcome).toMatchObject({ kind: 'retry', message: expect.stringContaining('127.0.0.1:1') });
  });

  it('sends nothing for an empty batch', async () => {
    const data = mock.requestCount();
    expect(await ingestion().send([])).toEqual({ kind: 'success', message: 'no events' });
    expect(mock.requestCount()).toBe(data);
  });
});

describe('sentinel legacy Data Collector sender', () => {
  it('delivers a signed, uncompressed batch (200)', async () => {
    const events = sampleEvents(3);
    expect(await legacy().send(events)).toEqual({ kind: 'success', status: 200, message: 'HTTP 200 OK' });
    const last = mock.requests().at(-1)!;
    expect(last.api).toBe('data_collector');
    expect(last.headers['content-encoding']).toBeUndefined();
    expect(last.headers['log-type']).toBe('OcsfEvents');
    expect(last.headers['x-ms-date']).toBe('Sat, 21 Nov 2026 12:00:00 GMT');
    expect(last.headers['time-generated-field']).toBe('TimeGenerated');
    expect(receivedUids(3)).toEqual(uids(events));
  });

  it('signs with the clock at send time: a clock 20 minutes off is refused (403 → auth)', async () => {
    const connector = legacy();
    clock += 20 * 60 * 1000;
    try {
      // The mock's clock moved too; only a connector clock out of the window fails.
      expect(await connector.send(sampleEvents(1))).toMatchObject({ kind: 'success' });
    } finally {
      clock -= 20 * 60 * 1000;
    }
    const skewed = sentinelConnector.create(mock.dataCollectorConfig(), { ...deps, now: () => clock - 20 * 60 * 1000 });
    expect(await skewed.send(sampleEvents(1))).toEqual({
      kind: 'auth',
      status: 403,
      message: 'HTTP 403 Forbidden: InvalidAuthorization: x-ms-date is outside the allowed clock skew of 15 minutes.',
    });
  });

  it('reports a wrong key as 403 InvalidAuthorization', async () => {
    const outcome = await legacy({ shared_key: Buffer.from('another key').toString('base64') }).send(sampleEvents(1));
    expect(outcome).toEqual({
      kind: 'auth',
      status: 403,
      message: 'HTTP 403 Forbidden: InvalidAuthorization: The signature in the Authorization header is not valid.',
    });
  });

  it.each([
    ['retry', { kind: 'retry', status: 503, retryAfterMs: 1000 }],
    ['auth', { kind: 'auth', status: 403 }],
    ['permanent', { kind: 'permanent', status: 400 }],
    ['too-large', { kind: 'too-large', status: 413 }],
  ] as const)('maps an injected %s fault', async (fault, expected) => {
    mock.failNext(fault);
    expect(await legacy().send(sampleEvents(1))).toMatchObject(expected);
  });

  it('refuses a batch over its limits without sending it', async () => {
    const data = mock.requestCount();
    const tooMany = Array.from({ length: dataCollectorLimits.maxEventsPerRequest + 1 }, () => sampleEvents(1)[0]);
    expect(await legacy().send(tooMany)).toMatchObject({ kind: 'too-large', message: expect.stringContaining('Data Collector API limits') });
    expect(mock.requestCount()).toBe(data);
  });
});
