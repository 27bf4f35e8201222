import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';
import type { SplunkHecConfig } from '../../../src/connectors/splunk-hec/config.ts';
import { splunkHecConnector } from '../../../src/connectors/splunk-hec/index.ts';
import { createSplunkHecConnector } from '../../../src/connectors/splunk-hec/sender.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { startSplunkHecMock, type SplunkHecMock } from './mock-receiver.ts';

const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'] });
let mock: SplunkHecMock;
beforeAll(async () => {
  mock = await startSplunkHecMock({ allowedIndexes: ['main'] });
});
afterAll(async () => {
  await mock.close();
  await deps.close();
});

const configFor = (m: SplunkHecMock, c: Partial<SplunkHecConfig> = {}): SplunkHecConfig => ({
  url: m.url,
  token: m.token,
  index: 'main',
  timeout_ms: 2_000,
  ...c,
});
const uidsOf = (events: Record<string, unknown>[]) => events.map((e) => (e.metadata as { uid: string }).uid);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('splunk hec sender against the strict mock', () => {
  it.each([
    ['gzip', 'gzip'],
    ['none', undefined],
    [undefined, 'gzip'],
  ] as const)('delivers a batch with compression=%s', async (compression, encoding) => {
    const before = mock.envelopes().length;
    const events = sampleEvents(4);
    const connector = splunkHecConnector.create(configFor(mock, { compression, source: 'authos', host: 'sso' }), deps);
    expect(await connector.send(events)).toEqual({ kind: 'success', status: 200, message: 'HTTP 200 OK: {"text":"Success","code":0}' });
    const last = mock.requests().at(-1)!;
    expect(last.path).toBe('/services/collector/event');
    expect(last.headers['content-encoding']).toBe(encoding);
    expect(last.headers['authorization']).toBe(`Splunk ${mock.token}`);
    expect(last.headers['x-splunk-request-channel']).toMatch(GUID);
    expect(uidsOf(mock.events().slice(-4))).toEqual(events.map((e) => e.uid));
    const envelopes = mock.envelopes().slice(before);
    expect(envelopes[0]).toMatchObject({ time: 1718020800, host: 'sso', source: 'authos', sourcetype: 'ocsf', index: 'main' });
    expect(envelopes.map((e) => e.fields)).toEqual(events.map((e) => ({ class_uid: '3002', severity_id: String(e.severityId) })));
    await connector.close();
  });

  it('keeps one channel per connector instance', async () => {
    const a = splunkHecConnector.create(configFor(mock), deps);
    const b = splunkHecConnector.create(configFor(mock), deps);
    await a.send(sampleEvents(1));
    await a.send(sampleEvents(1));
    await b.send(sampleEvents(1));
    const channels = mock.requests().slice(-3).map((r) => r.headers['x-splunk-request-channel']);
    expect(channels[0]).toBe(channels[1]);
    expect(channels[2]).not.toBe(channels[0]);
  });

  it.each([
    '/services/collector',
    '/services/collector/',
    '/services/collector/event',
    '/services/collector/event/1.0/',
    '/services/collector/raw',
  ])('posts to /services/collector/event when the URL was typed with %s', async (suffix) => {
    const connector = splunkHecConnector.create(configFor(mock, { url: `${mock.url}${suffix}` }), deps);
    expect(await connector.send(sampleEvents(1))).toMatchObject({ kind: 'success' });
    expect(mock.requests().at(-1)!.path).toBe('/services/collector/event');
  });

  it('resends only what Splunk did not index after an invalid-event-number answer', async () => {
    const before = mock.envelopes().length;
    const events: DeliveryEvent[] = sampleEvents(5);
    events[2] = { ...events[2], json: 'null' }; // Splunk: `"event": null` is "Invalid data format"
    const connector = splunkHecConnector.create(configFor(mock), deps);

    const outcome = await connector.send(events);
    expect(outcome).toEqual({
      kind: 'partial',
      status: 400,
      retry: [3, 4],
      rejected: [{ index: 2, reason: 'Invalid data format (code 6)' }],
      message: 'Splunk HEC indexed 2 of 5 events and rejected event 2: Invalid data format (code 6)',
    });
    if (outcome.kind !== 'partial') throw new Error('unreachable');
    expect(await connector.send(outcome.retry.map((i) => events[i]))).toMatchObject({ kind: 'success' });

    // Every good event exactly once, the bad one never.
    const delivered = uidsOf(mock.envelopes().slice(before).map((e) => e.event as Record<string, unknown>));
    expect(delivered).toEqual([events[0], events[1], events[3], events[4]].map((e) => e.uid));
  });

  it('classifies a wrong token as auth with Splunk’s code and text', async () => {
    const connector = splunkHecConnector.create(configFor(mock, { token: 'not-the-token' }), deps);
    const outcome = await connector.send(sampleEvents(1));
    expect(outcome).toEqual({ kind: 'auth', status: 403, message: 'Splunk HEC rejected the token (code 4: Invalid token, HTTP 403)' });
    expect(outcome.message).not.toContain('not-the-token');
  });

  it('classifies an index the token may not use as permanent', async () => {
    const connector = splunkHecConnector.create(configFor(mock, { index: 'secret' }), deps);
    expect(await connector.send(sampleEvents(2))).toEqual({
      kind: 'permanent',
      status: 400,
      message: 'Splunk HEC rejected the request (code 7: Incorrect index, HTTP 400)',
    });
  });

  it.each([
    ['retry', { kind: 'retry', status: 503, retryAfterMs: 1000 }],
    ['auth', { kind: 'auth', status: 403 }],
    ['permanent', { kind: 'permanent', status: 400 }],
    ['too-large', { kind: 'too-large', status: 413 }],
  ] as const)('maps an injected %s fault', async (fault, expected) => {
    mock.failNext(fault);
    const connector = splunkHecConnector.create(configFor(mock), deps);
    expect(await connector.send(sampleEvents(2))).toMatchObject(expected);
  });

  it('retries 429 code 26 after Retry-After', async () => {
    mock.inject({ status: 429, code: 26, text: 'HEC queue is at capacity and cannot process any more requests', retryAfter: 4 });
    const connector = splunkHecConnector.create(configFor(mock), deps);
    expect(await connector.send(sampleEvents(1))).toEqual({
      kind: 'retry',
      status: 429,
      retryAfterMs: 4000,
      message: 'Splunk HEC cannot take data now (code 26: HEC queue is at capacity and cannot process any more requests, HTTP 429)',
    });
  });

  it('turns a slow receiver into a retry (timeout)', async () => {
    const slow = await startSplunkHecMock();
    slow.setDelay(600);
    try {
      const connector = splunkHecConnector.create(configFor(slow, { index: undefined, timeout_ms: 150 }), deps);
      expect(await connector.send(sampleEvents(1))).toMatchObject({ kind: 'retry' });
    } finally {
      await slow.close();
    }
  });

  it('never reaches a loopback receiver the egress guard does not allow', async () => {
    const guarded = createConnectorDeps();
    try {
      const before = mock.requests().length;
      const connector = splunkHecConnector.create(configFor(mock), guarded);
      expect(await connector.send(sampleEvents(1))).toMatchObject({ kind: 'auth' });
      expect(mock.requests().length).toBe(before);
    } finally {
      await guarded.close();
    }
  });

  it('encode() shows the exact request it sends', async () => {
    const connector = splunkHecConnector.create(configFor(mock, { compression: 'none' }), deps);
    const events = sampleEvents(2);
    const [req] = connector.encode(events);
    await connector.send(events);
    const sent = mock.requests().at(-1)!;
    expect(sent.body).toBe(req.body.toString('utf8'));
    expect(sent.headers['x-splunk-request-channel']).toBe(req.headers['X-Splunk-Request-Channel']);
    expect(connector.limits).toEqual({ maxRequestBytes: 1_000_000, maxEventsPerRequest: 10_000, maxEventBytes: 1_000_000 });
  });
});

describe('indexer acknowledgement', () => {
  const fast = { ackPollIntervalMs: 10, ackTimeoutMs: 300 };

  it('counts a batch delivered once its ackId is acknowledged', async () => {
    const ackMock = await startSplunkHecMock({ ack: true });
    try {
      const connector = createSplunkHecConnector(configFor(ackMock, { index: undefined, ack: true }), deps, fast);
      expect(await connector.send(sampleEvents(3))).toEqual({ kind: 'success', status: 200, message: 'indexed (Splunk ackId 0 acknowledged)' });
      const poll = ackMock.requests().find((r) => r.path === '/services/collector/ack')!;
      expect(JSON.parse(poll.body)).toEqual({ acks: [0] });
      expect(poll.headers['authorization']).toBe(`Splunk ${ackMock.token}`);
      expect(poll.headers['x-splunk-request-channel']).toBe(ackMock.requests()[0].headers['x-splunk-request-channel']);
      await connector.close();
    } finally {
      await ackMock.close();
    }
  });

  it('asks about several in-flight batches in one query', async () => {
    const ackMock = await startSplunkHecMock({ ack: true });
    try {
      const connector = createSplunkHecConnector(configFor(ackMock, { index: undefined, ack: true }), deps, fast);
      ackMock.holdAcks(true);
      const sends = [0, 1, 2, 3].map(() => connector.send(sampleEvents(2)));
      const pollBodies = () => ackMock.requests().filter((r) => r.path === '/services/collector/ack').map((r) => JSON.parse(r.body).acks);
      await vi.waitFor(() => expect(pollBodies().at(-1)?.length).toBe(4), { timeout: 2_000, interval: 5 });
      ackMock.holdAcks(false);
      const outcomes = await Promise.all(sends);
      expect(outcomes.map((o) => o.kind)).toEqual(['success', 'success', 'success', 'success']);
      expect(pollBodies().at(-1)!.sort()).toEqual([0, 1, 2, 3]);
      expect(ackMock.events()).toHaveLength(8);
    } finally {
      await ackMock.close();
    }
  });

  it('gives up after the bound and asks for a resend when Splunk never acknowledges', async () => {
    const ackMock = await startSplunkHecMock({ ack: true });
    ackMock.holdAcks(true);
    try {
      const connector = createSplunkHecConnector(configFor(ackMock, { index: undefined, ack: true }), deps, { ackPollIntervalMs: 10, ackTimeoutMs: 100 });
      const started = performance.now();
      expect(await connector.send(sampleEvents(1))).toEqual({
        kind: 'retry',
        status: 200,
        message: 'Splunk HEC did not acknowledge ackId 0 within 100 ms; the batch will be resent',
      });
      expect(performance.now() - started).toBeGreaterThanOrEqual(95);
      expect(ackMock.ackPolls()).toBeGreaterThanOrEqual(2);
    } finally {
      await ackMock.close();
    }
  });

  it('trusts the 200 when the ack endpoint says acknowledgement is disabled (code 14)', async () => {
    const ackMock = await startSplunkHecMock({ ackQueryDisabled: true });
    const warn = vi.fn();
    const logger = { ...deps.logger, child: () => ({ warn }) } as unknown as typeof deps.logger;
    try {
      const connector = createSplunkHecConnector(configFor(ackMock, { index: undefined, ack: true }), { ...deps, logger }, fast);
      expect(await connector.send(sampleEvents(1))).toMatchObject({ kind: 'success', status: 200 });
      expect(await connector.send(sampleEvents(1))).toMatchObject({ kind: 'success', status: 200 });
      expect(ackMock.ackPolls()).toBe(2);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toContain('code 14');
    } finally {
      await ackMock.close();
    }
  });

  it('trusts the 200 when ack is configured but the token issues no ackId', async () => {
    const connector = createSplunkHecConnector(configFor(mock, { ack: true }), deps, fast);
    const polls = mock.ackPolls();
    expect(await connector.send(sampleEvents(1))).toMatchObject({ kind: 'success', status: 200 });
    expect(mock.ackPolls()).toBe(polls);
  });

  it('stops waiting on close and on abort', async () => {
    const ackMock = await startSplunkHecMock({ ack: true });
    ackMock.holdAcks(true);
    try {
      const connector = createSplunkHecConnector(configFor(ackMock, { index: undefined, ack: true }), deps, { ackPollIntervalMs: 10, ackTimeoutMs: 60_000 });
      const pending = connector.send(sampleEvents(1));
      await vi.waitFor(() => expect(ackMock.ackPolls()).toBeGreaterThan(0), { timeout: 2_000, interval: 5 });
      await connector.close();
      expect(await pending).toMatchObject({ kind: 'retry', message: expect.stringContaining('closed') });

      const other = createSplunkHecConnector(configFor(ackMock, { index: undefined, ack: true }), deps, { ackPollIntervalMs: 10, ackTimeoutMs: 60_000 });
      const abort = new AbortController();
      const aborted = other.send(sampleEvents(1), { signal: abort.signal });
      await vi.waitFor(() => expect(ackMock.ackPolls()).toBeGreaterThan(1), { timeout: 2_000, interval: 5 });
      abort.abort();
      expect(await aborted).toMatchObject({ kind: 'retry', message: expect.stringContaining('aborted') });
      await other.close();
    } finally {
      await ackMock.close();
    }
  });
});
