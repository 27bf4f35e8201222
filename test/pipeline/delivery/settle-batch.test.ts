import { describe, expect, it } from 'vitest';
import type { Connector, DeliveryEvent, DeliveryOutcome } from '../../../src/connectors/shared/types.ts';
import type { DeadLetterItem } from '../../../src/pipeline/delivery/dead-letter-repo.ts';
import { DeliveryGate } from '../../../src/pipeline/delivery/delivery-gate.ts';
import { settleBatch, type SettleContext, type SettleReporter } from '../../../src/pipeline/delivery/settle-batch.ts';
import type { Batch, DeliveryStream } from '../../../src/pipeline/delivery/stream.ts';
import type { StoredEvent } from '../../../src/store/event-log.ts';

function events(n: number, publishedAt = Date.now()): StoredEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    orgId: 'org',
    uid: `uid-${i + 1}`,
    classUid: 3002,
    severityId: 1,
    time: 0,
    publishedAt,
    json: `{"n":${i + 1}}`,
  }));
}

/** A connector answering from a script (one function per call), recording what each request carried. */
function scriptedConnector(script: ((batch: readonly DeliveryEvent[]) => DeliveryOutcome)[], fallback: DeliveryOutcome = { kind: 'success' }) {
  const calls: string[][] = [];
  const connector = {
    type: 'http',
    limits: { maxEventsPerRequest: 100, maxRequestBytes: 1e6, maxEventBytes: 1e5 },
    encode: () => [],
    async send(batch: readonly DeliveryEvent[]) {
      calls.push(batch.map((e) => e.uid));
      const step = script.shift();
      return step ? step(batch) : fallback;
    },
    test: async () => ({ success: true, message: '', eventsSent: 1 }),
    close: async () => {},
  } as unknown as Connector;
  return { connector, calls };
}

function harness(connector: Connector | undefined, opts: { now?: () => number; retentionMs?: number } = {}) {
  const deadLetters: DeadLetterItem[] = [];
  const log: string[] = [];
  const stream: DeliveryStream = {
    name: 'test',
    kind: 'live',
    retriesSince: (e) => e.publishedAt,
    done: false,
    wantsRead: () => false,
    read: async () => {},
    take: () => undefined,
    dueAt: () => undefined,
    nudge: () => {},
    deadLetter: async (items) => void deadLetters.push(...items),
    finish: async () => {},
  };
  const report: SettleReporter = {
    delivered: (e) => log.push(`delivered ${e.length}`),
    failedAttempt: (n, kind, _m, current) => log.push(`failed ${kind} ${n}${current ? '' : ' (stale)'}`),
    resent: (n) => log.push(`resent ${n}`),
    deadLettered: (n) => log.push(`dead-lettered ${n}`),
    exhausted: (n) => log.push(`exhausted ${n}`),
    rejected: (n, reason) => log.push(`rejected ${n}: ${reason}`),
  };
  const now = opts.now ?? Date.now;
  const gate = new DeliveryGate({ backoff: { initialMs: 5, maxMs: 20 }, authProbeMs: 30, now, random: () => 0.5 });
  const ctx: SettleContext = {
    gate,
    connector: () => connector,
    signal: new AbortController().signal,
    now,
    retentionMs: opts.retentionMs ?? 3_600_000,
    maxEventBytes: () => 100_000,
    report,
  };
  const batch = (evs: StoredEvent[], oversize = false): Batch => ({ events: evs, bytes: evs.reduce((a, e) => a + e.json.length, 0), oversize, stream });
  return { ctx, gate, batch, deadLetters, log };
}

describe('settleBatch', () => {
  it('success: every event delivered in one request', async () => {
    const { connector, calls } = scriptedConnector([]);
    const h = harness(connector);
    const delivered = await settleBatch(h.ctx, h.batch(events(5)));
    expect(delivered.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(calls).toHaveLength(1);
    expect(h.log).toEqual(['delivered 5']);
  });

  it('partial: acks the delivered, dead-letters the rejected with the reason, resends only the retry set', async () => {
    const { connector, calls } = scriptedConnector([
      () => ({ kind: 'partial', status: 200, retry: [1, 3], rejected: [{ index: 2, reason: 'mapper_parsing_exception: bad field' }] }),
    ]);
    const h = harness(connector);
    const delivered = await settleBatch(h.ctx, h.batch(events(5)));
    expect(calls).toEqual([['uid-1', 'uid-2', 'uid-3', 'uid-4', 'uid-5'], ['uid-2', 'uid-4']]);
    expect(delivered.map((e) => e.seq).sort()).toEqual([1, 2, 4, 5]);
    expect(h.deadLetters).toHaveLength(1);
    expect(h.deadLetters[0].event.uid).toBe('uid-3');
    expect(h.deadLetters[0].cause).toEqual({ reason: 'rejected by the SIEM: mapper_parsing_exception: bad field', statusCode: 200, responseText: 'mapper_parsing_exception: bad field' });
    expect(h.log).toEqual(['delivered 2', 'dead-lettered 1', 'failed retry 2', 'resent 2', 'delivered 2']);
  });

  it('too-large: splits in halves until the receiver accepts; a single event too large is dead-lettered', async () => {
    const { connector, calls } = scriptedConnector([], { kind: 'success' });
    // Anything with more than 2 events, or containing uid-5, is too large.
    (connector as { send: Connector['send'] }).send = async (batch) => {
      calls.push(batch.map((e) => e.uid));
      if (batch.length > 2 || batch.some((e) => e.uid === 'uid-5')) return { kind: 'too-large', status: 413, message: 'Request Entity Too Large' };
      return { kind: 'success' };
    };
    const h = harness(connector);
    const delivered = await settleBatch(h.ctx, h.batch(events(7)));
    expect(delivered.map((e) => e.seq)).toEqual([1, 2, 3, 4, 6, 7]);
    expect(calls[0]).toHaveLength(7);
    expect(calls.filter((c) => c.length === 1 && c[0] === 'uid-5')).toHaveLength(1);
    expect(h.deadLetters.map((d) => [d.event.uid, d.cause.reason, d.cause.statusCode])).toEqual([['uid-5', 'too large for the SIEM (413)', 413]]);
    // The single event the SIEM refused is a rejected batch of one; the halves it accepted are deliveries.
    expect(h.log.filter((l) => l.startsWith('rejected'))).toEqual(['rejected 1: too large for the SIEM (413): Request Entity Too Large']);
  });

  it('permanent: the whole batch is dead-lettered with the SIEM text', async () => {
    const { connector } = scriptedConnector([() => ({ kind: 'permanent', status: 400, message: '{"error":"invalid index name"}' })]);
    const h = harness(connector);
    expect(await settleBatch(h.ctx, h.batch(events(3)))).toEqual([]);
    expect(h.deadLetters.map((d) => d.event.seq)).toEqual([1, 2, 3]);
    expect(h.deadLetters[0].cause).toEqual({ reason: 'rejected by the SIEM (400)', statusCode: 400, responseText: '{"error":"invalid index name"}' });
    expect(h.deadLetters[0].attempts).toBe(1);
    expect(h.log).toEqual(['dead-lettered 3', 'rejected 3: rejected by the SIEM (400): {"error":"invalid index name"}']);
  });

  it('partial with every item rejected is a rejected batch; with one item delivered it is not', async () => {
    const reject = (n: number) => () => ({ kind: 'partial' as const, status: 200, retry: [], rejected: Array.from({ length: n }, (_, index) => ({ index, reason: 'strict_dynamic_mapping_exception' })) });
    const all = harness(scriptedConnector([reject(3)]).connector);
    expect(await settleBatch(all.ctx, all.batch(events(3)))).toEqual([]);
    expect(all.log).toEqual([
      'dead-lettered 3',
      'rejected 3: 3 of 3 events rejected by the SIEM: strict_dynamic_mapping_exception',
    ]);
    const some = harness(scriptedConnector([reject(2)]).connector);
    expect((await settleBatch(some.ctx, some.batch(events(3)))).map((e) => e.seq)).toEqual([3]);
    expect(some.log).toEqual(['delivered 1', 'dead-lettered 2']);
  });

  it('oversize: dead-lettered without any request', async () => {
    const { connector, calls } = scriptedConnector([]);
    const h = harness(connector);
    await settleBatch(h.ctx, h.batch(events(1), true));
    expect(calls).toHaveLength(0);
    expect(h.deadLetters[0].cause.reason).toMatch(/over the connector's limit of 100000 bytes \(not sent\)/);
    // Never sent, so it says nothing about the destination.
    expect(h.log).toEqual(['dead-lettered 1']);
  });

  it('retry: resends after backoff until success, counting attempts', async () => {
    const { connector, calls } = scriptedConnector([
      () => ({ kind: 'retry', status: 503, message: 'unavailable' }),
      () => ({ kind: 'retry', message: 'connect ECONNREFUSED' }),
    ]);
    const h = harness(connector);
    const delivered = await settleBatch(h.ctx, h.batch(events(2)));
    expect(delivered).toHaveLength(2);
    expect(calls).toHaveLength(3);
    expect(h.log).toEqual(['failed retry 2', 'resent 2', 'failed retry 2', 'resent 2', 'delivered 2']);
  });

  it('retry past the retention: dead-letters the expired events with the last error', async () => {
    // A clock that runs with real time, and jumps 10 s ahead during the failed request.
    const start = Date.now();
    let offset = 10_000;
    const { connector, calls } = scriptedConnector([
      () => {
        offset = 20_000;
        return { kind: 'retry', status: 503, message: 'Service Unavailable' };
      },
    ]);
    const h = harness(connector, { now: () => offset + (Date.now() - start), retentionMs: 5000 });
    const evs = [...events(1, 9000), ...events(1, 16_000).map((e) => ({ ...e, seq: 2, uid: 'fresh' }))];
    const delivered = await settleBatch(h.ctx, h.batch(evs));
    expect(h.deadLetters.map((d) => d.event.seq)).toEqual([1]);
    expect(h.deadLetters[0].cause.reason).toBe('retries exhausted: not delivered within the retention (0 h); last error: Service Unavailable');
    expect(h.deadLetters[0].cause.statusCode).toBe(503);
    expect(delivered.map((e) => e.seq)).toEqual([2]);
    expect(calls).toEqual([['uid-1', 'fresh'], ['fresh']]);
  });

  it('a replayed dead letter gets a full retention of retries, counted from the replay request', async () => {
    const { connector, calls } = scriptedConnector([() => ({ kind: 'retry', status: 502, message: 'Bad Gateway' })]);
    const h = harness(connector, { retentionMs: 60_000 });
    const b = h.batch(events(2, 0)); // published at epoch 0: far older than the retention
    const requestedAt = Date.now();
    b.stream.retriesSince = () => requestedAt;
    expect((await settleBatch(h.ctx, b)).map((e) => e.seq)).toEqual([1, 2]);
    expect(calls).toHaveLength(2);
    expect(h.deadLetters).toHaveLength(0);
  });

  it('auth: keeps the events and probes again; a config change lets them through at once', async () => {
    const first = scriptedConnector([() => ({ kind: 'auth', status: 403, message: 'Forbidden' })]);
    let current: Connector = first.connector;
    const h = harness(undefined);
    h.ctx.connector = () => current;
    h.ctx.gate = new DeliveryGate({ backoff: { initialMs: 5, maxMs: 20 }, authProbeMs: 60_000, now: Date.now, random: () => 0.5 });
    const settled = settleBatch(h.ctx, h.batch(events(3)));
    await new Promise((r) => setTimeout(r, 50));
    expect(h.ctx.gate.mode).toBe('auth');
    expect(h.deadLetters).toHaveLength(0);
    const fixed = scriptedConnector([]);
    current = fixed.connector;
    h.ctx.gate.reset();
    expect((await settled).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(fixed.calls).toHaveLength(1);
    expect(h.log).toEqual(['failed auth 3', 'resent 3', 'delivered 3']);
  });
});
