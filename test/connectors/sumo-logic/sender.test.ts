import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sumoLogicConnector } from '../../../src/connectors/sumo-logic/index.ts';
import { sumoLogicLimits } from '../../../src/connectors/sumo-logic/limits.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { SUMO_QUOTA_TEXT, startSumoLogicMock, type SumoMockReceiver } from './mock-receiver.ts';

const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'] });
let mock: SumoMockReceiver;

beforeAll(async () => {
  mock = await startSumoLogicMock();
});
afterAll(async () => {
  await mock.close();
  await deps.close();
});

const create = (extra: Record<string, unknown> = {}) => sumoLogicConnector.create({ url: mock.sourceUrl, timeout_ms: 2_000, ...extra }, deps);
const lastUids = (n: number) => mock.events().slice(-n).map((e) => (e.metadata as { uid: string }).uid);
const withMessage = (e: DeliveryEvent, size: number): DeliveryEvent => ({
  ...e,
  json: e.json.replace('"message":"', `"message":"${'m'.repeat(size)}`),
});

describe('sumo_logic sender against the strict mock', () => {
  it.each([
    ['gzip', 'gzip'],
    ['none', undefined],
  ] as const)('delivers NDJSON with compression=%s (200) and the source metadata', async (compression, encoding) => {
    const events = sampleEvents(5);
    const connector = create({ compression, category: 'prod/ocsf', source_name: 'siemstream', source_host: 'h1', fields: { env: 'prod', team: 'sec' } });
    expect(await connector.send(events)).toEqual({ kind: 'success', status: 200, message: 'HTTP 200 OK' });
    expect(mock.requests().at(-1)!.headers['content-encoding']).toBe(encoding);
    expect(lastUids(5)).toEqual(events.map((e) => e.uid));
    expect(mock.messages().at(-1)).toMatchObject({ category: 'prod/ocsf', name: 'siemstream', host: 'h1', fields: { env: 'prod', team: 'sec' } });
    expect(mock.events().at(-1)).toEqual(JSON.parse(events[4].json));
  });

  it('classifies an unknown token as auth, naming the cause but never the URL', async () => {
    const url = `${mock.url}/receiver/v1/http/UnknownToken123`;
    const outcome = await create({ url }).send(sampleEvents(1));
    expect(outcome).toEqual({
      kind: 'auth',
      status: 401,
      message: 'HTTP 401 Unauthorized: Unauthorized (the HTTP source URL is wrong, or was regenerated in Sumo Logic)',
    });
  });

  it.each([
    ['retry', { kind: 'retry', status: 429, message: `HTTP 429 Too Many Requests: ${SUMO_QUOTA_TEXT}` }],
    ['auth', { kind: 'auth', status: 401 }],
    ['permanent', { kind: 'permanent', status: 400, message: 'HTTP 400 Bad Request: Bad Request' }],
    ['too-large', { kind: 'too-large', status: 413 }],
  ] as const)('maps an injected %s fault', async (fault, expected) => {
    mock.failNext(fault);
    expect(await create().send(sampleEvents(1))).toMatchObject(expected);
  });

  it.each([
    [408, 'retry', /may have ingested part of this request; resending can duplicate events/],
    [503, 'retry', /^HTTP 503 Service Unavailable/],
    [504, 'retry', /^HTTP 504 Gateway Timeout/],
    [404, 'permanent', /^HTTP 404 Not Found/],
  ] as const)('classifies %i as %s', async (status, kind, message) => {
    mock.failNextWith(status);
    expect(await create().send(sampleEvents(1))).toEqual({ kind, status, message: expect.stringMatching(message) });
  });

  it('honours Retry-After on 429', async () => {
    mock.failNextWith(429, 1, SUMO_QUOTA_TEXT, { 'Retry-After': '30' });
    expect(await create().send(sampleEvents(1))).toMatchObject({ kind: 'retry', retryAfterMs: 30_000 });
  });

  it('rejects events over 64 KB and delivers the rest (partial)', async () => {
    const [a, b, c] = sampleEvents(3);
    const big = withMessage(b, sumoLogicLimits.maxEventBytes);
    const outcome = await create().send([a, big, c]);
    expect(outcome).toEqual({
      kind: 'partial',
      status: 200,
      retry: [],
      rejected: [{ index: 1, reason: expect.stringMatching(/^event of \d+ bytes exceeds Sumo Logic's 65536-byte message limit$/) }],
      message: 'HTTP 200 OK',
    });
    expect(lastUids(2)).toEqual([a.uid, c.uid]);
  });

  it('counts the 64 KB limit in UTF-8 bytes, and an oversize event alone is permanent', async () => {
    const [e] = sampleEvents(1);
    // 'é' is 2 bytes: within the limit in characters, over it in bytes.
    const multibyte = { ...e, json: e.json.replace('"message":"', `"message":"${'é'.repeat(33_000)}`) };
    expect(multibyte.json.length).toBeLessThan(sumoLogicLimits.maxEventBytes);
    const requests = mock.requestCount();
    expect(await create().send([multibyte])).toEqual({ kind: 'permanent', message: expect.stringMatching(/exceeds Sumo Logic's 65536-byte message limit/) });
    expect(mock.requestCount()).toBe(requests);
    // Exactly at the limit is fine.
    const exact = withMessage(e, sumoLogicLimits.maxEventBytes - Buffer.byteLength(e.json));
    expect(Buffer.byteLength(exact.json)).toBe(sumoLogicLimits.maxEventBytes);
    expect(await create().send([exact])).toMatchObject({ kind: 'success' });
  });

  it('refuses a batch over 1,000,000 bytes uncompressed as too-large without sending it', async () => {
    const events = sampleEvents(16).map((e) => withMessage(e, 63_000));
    const requests = mock.requestCount();
    expect(await create().send(events)).toEqual({ kind: 'too-large', message: expect.stringMatching(/^batch of 16 events \(\d+ bytes\) exceeds the connector's limits/) });
    expect(mock.requestCount()).toBe(requests);
    expect(await create().send(events.slice(0, 8))).toMatchObject({ kind: 'success' });
  });

  it('classifies an unreachable source as retry, naming the origin only', async () => {
    const outcome = await create({ url: 'http://127.0.0.1:1/receiver/v1/http/SecretToken' }).send(sampleEvents(1));
    expect(outcome.kind).toBe('retry');
    expect(outcome.message).not.toContain('SecretToken');
  });

  it('sends nothing for an empty batch', async () => {
    const requests = mock.requestCount();
    expect(await create().send([])).toEqual({ kind: 'success', message: 'no events' });
    expect(mock.requestCount()).toBe(requests);
  });
});

describe('sumo_logic connection test', () => {
  it('POSTs the synthetic line at once: 200 → success', async () => {
    const [event] = sampleEvents(1);
    expect(await create().test(event)).toEqual({
      success: true,
      status: 200,
      message: 'Successfully connected to SIEM endpoint (status: 200 OK)',
      eventsSent: 1,
    });
    expect(lastUids(1)).toEqual([event.uid]);
  });

  it('reports a wrong URL token with Sumo’s answer', async () => {
    expect(await create({ url: `${mock.url}/receiver/v1/http/Nope` }).test(sampleEvents(1)[0])).toEqual({
      success: false,
      status: 401,
      message: 'HTTP 401 Unauthorized: Unauthorized (the HTTP source URL is wrong, or was regenerated in Sumo Logic)',
      eventsSent: 0,
    });
  });

  it('reports quota throttling', async () => {
    mock.failNext('retry');
    expect(await create().test(sampleEvents(1)[0])).toMatchObject({ success: false, status: 429, message: expect.stringContaining(SUMO_QUOTA_TEXT) });
  });
});
