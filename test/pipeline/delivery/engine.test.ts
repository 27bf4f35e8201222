/**
 * The engine over a real store (SQLite, and PostgreSQL when SIEM_TEST_DATABASE_URL is set) with real sockets:
 * resume from the persisted cursor, graceful drain (bounded), the in-flight bound and cursor contiguity,
 * oversize events, and retention.
 */
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import { cursorRepo } from '../../../src/pipeline/delivery/cursor-repo.ts';
import { deadLetterRepo } from '../../../src/pipeline/delivery/dead-letter-repo.ts';
import type { DeliveryStateUpdate, DestinationFeed, DestinationSpec } from '../../../src/pipeline/delivery/destination.ts';
import { DeliveryEngine, type DeliveryEngineOptions } from '../../../src/pipeline/delivery/engine.ts';
import { deliveryDb } from '../../../src/pipeline/delivery/tables.ts';
import type { EventLog, NewEvent } from '../../../src/store/event-log.ts';
import { parseEgressAllow } from '../../../src/security/egress-guard.ts';
import { runMigrations } from '../../../src/store/migrate.ts';
import { openEventLog } from '../../../src/store/open-event-log.ts';
import { storeBackends, type TestStore } from '../../helpers/stores.ts';
import { startCollector, type Collector } from './collector.ts';
import { eventually, FAST_DELIVERY } from './harness.ts';

const logger = pino({ level: 'silent' });

/** A one-destination feed kept in memory, recording the health the engine writes. */
function memoryFeed(spec: DestinationSpec) {
  const states: DeliveryStateUpdate[] = [];
  const listeners = new Set<(id: string) => void>();
  let current: DestinationSpec | undefined = spec;
  const feed: DestinationFeed = {
    name: 'memory',
    source: {
      list: async () => (current ? [current] : []),
      get: async (id) => (current?.id === id ? current : undefined),
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    sink: { update: async (_id, state) => void states.push(state) },
  };
  return {
    feed,
    states,
    change(next: DestinationSpec | undefined) {
      current = next;
      for (const l of listeners) l(spec.id);
    },
  };
}

let uid = 0;
function newEvents(n: number, over: Partial<NewEvent> = {}): NewEvent[] {
  return Array.from({ length: n }, () => {
    const u = `evt-${++uid}`;
    return { orgId: 'org-1', uid: u, classUid: 3002, severityId: 2, time: 1_700_000_000_000, json: JSON.stringify({ class_uid: 3002, metadata: { uid: u } }), ...over };
  });
}

describe.each(storeBackends)('delivery engine on $name', (backend) => {
  let store: TestStore;
  let log: EventLog;
  let siem: Collector;
  let appended: EventEmitter;
  const engines: DeliveryEngine[] = [];
  const connectorDeps = createConnectorDeps({ egressAllow: parseEgressAllow('127.0.0.1'), logger });

  beforeEach(async () => {
    store = await backend.open();
    await runMigrations(store.adapter);
    log = openEventLog(store.adapter);
    siem = await startCollector();
    appended = new EventEmitter();
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.stop({ drainMs: 100 });
    await siem.close();
    await store.dispose();
  });

  const spec = (over: Partial<DestinationSpec> = {}): DestinationSpec => ({
    id: 'dest-1',
    orgId: 'org-1',
    connectorType: 'http',
    config: { url: siem.url },
    batchSize: 10,
    filters: { classUids: null, minSeverity: null },
    enabled: true,
    version: 1,
    ...over,
  });

  async function startEngine(feed: DestinationFeed, options: Partial<DeliveryEngineOptions> = {}, now?: () => number) {
    const engine = new DeliveryEngine({ store: store.adapter, log, feeds: [feed], connectorDeps, logger, appended, now, options: { ...FAST_DELIVERY, flushIntervalMs: 20, ...options } });
    engines.push(engine);
    await engine.start();
    return engine;
  }

  async function publish(events: NewEvent[], at = Date.now()) {
    const r = await log.append(events, at);
    appended.emit('appended', { orgIds: new Set(events.map((e) => e.orgId)), lastSeq: r.lastSeq });
    return r.lastSeq;
  }

  const cursor = () => cursorRepo(deliveryDb(store.adapter.db)).get('dest-1');

  it('resumes from the persisted cursor: nothing acked is sent again after a graceful stop', async () => {
    const m = memoryFeed(spec());
    const first = await startEngine(m.feed);
    const last = await publish(newEvents(35));
    await siem.waitForUnique(35);
    await eventually(() => first.position('dest-1') === last, 'position at the last event');
    await first.stop();
    engines.splice(engines.indexOf(first), 1);
    expect(await cursor()).toBe(last);

    await startEngine(m.feed);
    await publish(newEvents(5));
    await siem.waitForUnique(40);
    await new Promise((r) => setTimeout(r, 200));
    expect(siem.uids()).toHaveLength(40);
    expect(m.states.some((s) => s.deliveryStatus === 'healthy')).toBe(true);
  });

  it('drains in-flight batches on stop, and bounds the wait', async () => {
    siem.respond = () => ({ status: 200, delayMs: 300 });
    const m = memoryFeed(spec());
    const engine = await startEngine(m.feed);
    const last = await publish(newEvents(10));
    await eventually(() => siem.requests().length === 1, 'request in flight');
    const t0 = Date.now();
    await engine.stop({ drainMs: 2000 });
    engines.splice(engines.indexOf(engine), 1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(await cursor()).toBe(last);

    // A receiver that never answers: stop gives up after drainMs and the batch stays behind the cursor.
    siem.respond = () => ({ status: 200, hang: true });
    const again = await startEngine(m.feed);
    await publish(newEvents(10));
    await eventually(() => siem.requests().length === 2, 'second request hanging');
    const t1 = Date.now();
    await again.stop({ drainMs: 200 });
    engines.splice(engines.indexOf(again), 1);
    expect(Date.now() - t1).toBeLessThan(2500);
    expect(await cursor()).toBe(last);
  });

  it('bounds in-flight batches and never moves the cursor past an unfinished one', async () => {
    let open = 0;
    let maxOpen = 0;
    let first = true;
    siem.respond = () => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      const delayMs = first ? 600 : 20;
      first = false;
      setTimeout(() => open--, delayMs);
      return { status: 200, delayMs };
    };
    const m = memoryFeed(spec());
    const engine = await startEngine(m.feed, { maxInFlight: 3 });
    const start = await log.head();
    const last = await publish(newEvents(100));
    await eventually(() => siem.requests().length >= 4, 'later batches delivered');
    // Later batches are acked while the first is still open: the cursor must stay before the first batch.
    expect(engine.position('dest-1')).toBe(start);
    await siem.waitForUnique(100);
    await eventually(() => engine.position('dest-1') === last, 'cursor jumps over the whole contiguous prefix');
    expect(maxOpen).toBeLessThanOrEqual(3);
    expect(maxOpen).toBeGreaterThan(1);
  });

  it('dead-letters an event over the connector limit without sending it', async () => {
    const m = memoryFeed(spec());
    await startEngine(m.feed);
    const big = newEvents(1)[0];
    big.json = JSON.stringify({ class_uid: 3002, metadata: { uid: big.uid }, blob: 'x'.repeat(1_000_001) });
    await publish([...newEvents(3), big, ...newEvents(3)]);
    await siem.waitForUnique(6);
    const dls = deadLetterRepo(deliveryDb(store.adapter.db));
    await eventually(async () => (await dls.list('dest-1', { limit: 10, offset: 0, state: 'all' })).total === 1, 'dead letter stored');
    const [dead] = (await dls.list('dest-1', { limit: 10, offset: 0, state: 'all' })).items;
    expect(dead.uid).toBe(big.uid);
    expect(dead.reason).toMatch(/over the connector's limit of 1000000 bytes \(not sent\)/);
    expect(siem.uids()).not.toContain(big.uid);
    expect(siem.requests().every((r) => !r.uids.includes(big.uid))).toBe(true);
  });

  it('retention prunes only what every cursor passed and is older than the retention', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    const m = memoryFeed(spec());
    // Long backoff: the failing batch below stays unsettled (behind the cursor) for the whole test.
    const engine = await startEngine(m.feed, { retentionMs: 10_000, backoff: { initialMs: 60_000, maxMs: 60_000 } }, now);
    const delivered = await publish(newEvents(5), now());
    await siem.waitForUnique(5);
    await eventually(async () => (await cursor()) === delivered, 'cursor written');
    siem.respond = () => ({ status: 503 });
    await publish(newEvents(3), now());
    await eventually(() => siem.requests().length === 2, 'the second batch failed');
    offset += 20_000;
    // All 8 events are now older than the retention, but only the 5 the cursor passed may go.
    expect(await engine.runRetention()).toBe(5);
    expect(await log.count({ afterSeq: 0 })).toBe(3);
    expect(await cursor()).toBe(delivered);
  });

  it('a periodic reconcile with a stale listing does not undo a newer change', async () => {
    const m = memoryFeed(spec());
    const engine = await startEngine(m.feed);
    await eventually(() => engine.isRunning('dest-1'), 'running');
    // The next listing is taken now (enabled) but answers only after the destination was disabled.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const staleList = [spec()];
    m.feed.source.list = async () => {
      await gate;
      return staleList;
    };
    const reconciling = engine.reconcile();
    m.change(spec({ enabled: false, version: 2 }));
    await eventually(() => !engine.isRunning('dest-1'), 'stopped by the change');
    release();
    await reconciling;
    expect(engine.isRunning('dest-1')).toBe(false);
  });

  it('stops on disable and deletes the cursor; a deleted destination loses its dead letters too', async () => {
    const m = memoryFeed(spec());
    const engine = await startEngine(m.feed);
    await publish(newEvents(3));
    await siem.waitForUnique(3);
    await eventually(async () => (await cursor()) !== undefined, 'cursor written');
    m.change(spec({ enabled: false, version: 2 }));
    await eventually(async () => !engine.isRunning('dest-1') && (await cursor()) === undefined, 'stopped and cursor gone');
    await publish(newEvents(4));
    await new Promise((r) => setTimeout(r, 200));
    expect(siem.uids()).toHaveLength(3);
    m.change(undefined);
    await eventually(async () => (await deadLetterRepo(deliveryDb(store.adapter.db)).list('dest-1', { limit: 1, offset: 0, state: 'all' })).total === 0, 'purged');
  });
});
