/**
 * The delivery engine: one DestinationWorker per enabled destination this instance owns, kept in step with the
 * destination feeds (SIEM configs, global connectors), woken by publishes, plus the periodic chores: cursor
 * writes (cursor-writer.ts), health/stats writes (~1/s per destination) and retention.
 *
 * Destination lifecycle:
 * - new or re-enabled (no cursor): starts at the first event published at/after `spec.startAt` (the admin's
 *   action), else at the head — never a flood of history; `replay` is the way back;
 * - changed: the worker applies it from the next batch (new connector, filters, batch size);
 * - disabled: the worker stops (in-flight batches may finish) and the cursor is deleted, so re-enabling starts at
 *   "now"; deleted: the same, and its dead letters, stats and replay windows go too;
 * - shutdown (`stop({drainMs})`): stop reading, let in-flight batches finish (bounded), persist cursors.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ConnectorDeps } from '../../connectors/shared/types.ts';
import type { StoreAdapter } from '../../store/adapter.ts';
import type { EventLog } from '../../store/event-log.ts';
import type { AppendedNotice } from '../publish.ts';
import { DEFAULT_BACKOFF } from '../../backoff.ts';
import { cursorRepo, type CursorRepo } from './cursor-repo.ts';
import { CursorWriter } from './cursor-writer.ts';
import { deadLetterRepo, type DeadLetterRepo } from './dead-letter-repo.ts';
import { noDeliveryMetrics, type BacklogFigure, type DeliveryMetrics } from './delivery-metrics.ts';
import { soleOwnership, type DestinationFeed, type DestinationOwnership, type DestinationSpec } from './destination.ts';
import { DestinationWorker, type WorkerOptions } from './destination-worker.ts';
import { EventTail } from './event-tail.ts';
import { SharedLogReads } from './shared-log-reads.ts';
import { replayWindowRepo, type ReplayWindowRepo } from './replay-window-repo.ts';
import { MINUTE_RETENTION_MS } from './minute-counters.ts';
import { statsRepo, type StatsRepo } from './stats-repo.ts';
import { deliveryDb } from './tables.ts';

export interface DeliveryEngineOptions extends WorkerOptions {
  /** Cursor moves are written together this often. */
  cursorFlushMs: number;
  /** Health and stats are written this often (at most) per destination. */
  stateFlushMs: number;
  /** Re-list every destination this often (safety net beside change notifications). */
  reconcileIntervalMs: number;
  retentionIntervalMs: number;
  /** Cap for backlog counts (stats, metrics), so a huge backlog costs a bounded query. */
  backlogCountCap: number;
  /** Shutdown: how long in-flight batches may take to finish before their requests are aborted. */
  drainMs: number;
}

export const DEFAULT_ENGINE_OPTIONS: DeliveryEngineOptions = {
  flushIntervalMs: 1000,
  retentionMs: 7 * 24 * 3_600_000,
  maxInFlight: 3,
  pollIntervalMs: 1000,
  authProbeMs: 60_000,
  backoff: DEFAULT_BACKOFF,
  replayPollMs: 10_000,
  maxBufferBytes: 16 * 1024 * 1024,
  cursorFlushMs: 200,
  stateFlushMs: 1000,
  reconcileIntervalMs: 30_000,
  retentionIntervalMs: 60_000,
  backlogCountCap: 1_000_000,
  drainMs: 5000,
};

export interface DeliveryEngineDeps {
  store: StoreAdapter<any>;
  log: EventLog;
  feeds: DestinationFeed[];
  connectorDeps: ConnectorDeps;
  logger: Logger;
  /** The publisher's emitter: 'appended' {orgIds, lastSeq} wakes the workers of those organisations. */
  appended?: EventEmitter;
  metrics?: DeliveryMetrics;
  ownership?: DestinationOwnership;
  /**
   * This instance's id in the lease table, when `ownership` hands out fencing tokens (LeaseOwnership.instanceId):
   * fenced cursor writes and cursor deletions are judged against it.
   */
  instanceId?: string;
  now?: () => number;
  random?: () => number;
  options?: Partial<DeliveryEngineOptions>;
}

interface Running {
  worker: DestinationWorker;
  feed: DestinationFeed;
  fence: number | null;
}

export interface LatencySummary {
  p50Ms: number | null;
  p99Ms: number | null;
  lastMs: number | null;
}

export class DeliveryEngine {
  readonly options: DeliveryEngineOptions;
  private readonly cursors: CursorRepo;
  private readonly deadLetters: DeadLetterRepo;
  private readonly replayWindows: ReplayWindowRepo;
  private readonly stats: StatsRepo;
  private readonly cursorWriter: CursorWriter;
  private readonly metrics: DeliveryMetrics;
  private readonly ownership: DestinationOwnership;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly workers = new Map<string, Running>();
  /** Recent appends in memory, shared by every worker (event-tail.ts). */
  private readonly tail: EventTail;
  /** Log reads shared by workers with the same query (shared-log-reads.ts). */
  private readonly sharedReads: SharedLogReads;
  /** Per-destination chains, so changes of one destination apply in order. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  /**
   * Change notifications are numbered; a reconcile remembers the number when it starts listing, and skips every
   * destination notified after that (the notification's own refresh reads fresher data than the listing).
   */
  private changeSeq = 0;
  private readonly notifiedAt = new Map<string, number>();
  private started = false;
  private stopping = false;
  private retentionRunning = false;
  /** The reconcile under way, and the one queued behind it (which covers every request made meanwhile). */
  private reconciling: Promise<void> | undefined;
  private reconcileQueued: Promise<void> | undefined;

  constructor(private readonly deps: DeliveryEngineDeps) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...deps.options };
    this.tail = new EventTail(this.options.tailMaxBytes);
    this.sharedReads = new SharedLogReads(deps.log);
    const db = deliveryDb(deps.store.db);
    this.cursors = cursorRepo(db, { owner: deps.instanceId });
    this.deadLetters = deadLetterRepo(db);
    this.replayWindows = replayWindowRepo(db);
    this.stats = statsRepo(db);
    this.now = deps.now ?? Date.now;
    this.logger = deps.logger.child({ component: 'delivery' });
    this.metrics = deps.metrics ?? noDeliveryMetrics;
    this.ownership = deps.ownership ?? soleOwnership;
    this.cursorWriter = new CursorWriter(this.cursors, {
      intervalMs: this.options.cursorFlushMs,
      now: this.now,
      onFenced: (ids) => {
        for (const id of ids) {
          this.logger.warn({ destination: id }, 'delivery: lease lost (cursor write fenced); stopping the worker');
          this.enqueue(id, () => this.stopWorker(id, 'fenced'));
        }
      },
      onError: (err) => this.logger.error({ err }, 'delivery: writing cursors failed; will retry'),
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const feed of this.deps.feeds) {
      this.unsubscribe.push(
        feed.source.subscribe((id) => {
          this.notifiedAt.set(id, ++this.changeSeq);
          void this.enqueue(id, () => this.refresh(feed, id));
        }),
      );
    }
    if (this.deps.appended) {
      const onAppended = (e: AppendedNotice) => {
        this.tail.add(e);
        this.onAppended(e.orgIds);
      };
      this.deps.appended.on('appended', onAppended);
      this.unsubscribe.push(() => this.deps.appended!.off('appended', onAppended));
    }
    this.metrics.setBacklogProvider(() => this.backlog());
    await this.reconcile();
    this.every(this.options.stateFlushMs, () => this.flushHealth());
    this.every(this.options.reconcileIntervalMs, () => this.reconcile());
    this.every(this.options.retentionIntervalMs, () => this.runRetention());
    this.logger.info({ destinations: this.workers.size }, 'delivery engine started');
  }

  /** Graceful drain: stop reading, let in-flight batches finish within `drainMs`, persist cursors and health. */
  async stop(opts: { drainMs?: number } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    for (const off of this.unsubscribe) off();
    await Promise.allSettled([...this.chains.values()]);
    const running = [...this.workers.values()];
    await Promise.allSettled(running.map((r) => r.worker.stop(opts.drainMs ?? this.options.drainMs)));
    await this.cursorWriter.close().catch((err) => this.logger.error({ err }, 'delivery: final cursor write failed'));
    await this.flushHealth();
    await Promise.allSettled(running.map((r) => this.ownership.release(r.worker.id)));
    this.workers.clear();
    this.logger.info('delivery engine stopped');
  }

  /** Something was queued for this destination (dead-letter replay, replay window) or appended: look now. */
  wake(destinationId: string, what: 'events' | 'replays' = 'replays'): void {
    this.workers.get(destinationId)?.worker.nudge(what);
  }

  isRunning(destinationId: string): boolean {
    return this.workers.has(destinationId);
  }

  /** The live committed position of a running destination. */
  position(destinationId: string): number | undefined {
    return this.workers.get(destinationId)?.worker.position;
  }

  /** Recent publish → ack latency of a running destination. */
  latency(destinationId: string): LatencySummary | undefined {
    const w = this.workers.get(destinationId)?.worker;
    if (!w) return undefined;
    return { p50Ms: w.health.latency.quantile(0.5), p99Ms: w.health.latency.quantile(0.99), lastMs: w.health.latency.lastMs };
  }

  /** Backlog (events not settled, oldest one's age) of every running destination: for the metrics gauges. */
  async backlog(): Promise<BacklogFigure[]> {
    const now = this.now();
    const out: BacklogFigure[] = [];
    for (const { worker } of this.workers.values()) {
      const query = { ...worker.query, afterSeq: worker.position };
      const [events, oldest] = await Promise.all([
        this.deps.log.count({ ...query, cap: this.options.backlogCountCap }),
        this.deps.log.read({ ...query, limit: 1 }),
      ]);
      out.push({ destinationId: worker.id, events, ageSeconds: oldest.length > 0 ? Math.max(0, (now - oldest[0].publishedAt) / 1000) : 0 });
    }
    return out;
  }

  /**
   * Deletes events every cursor (and every unfinished replay window) has passed that are older than the
   * retention. Destinations without a cursor (disabled) hold nothing back: re-enabling starts at "now".
   * (The 24 h de-duplication uids expire on the publishing side: Publisher.scheduleUidExpiry.)
   */
  async runRetention(): Promise<number> {
    if (this.retentionRunning) return 0;
    this.retentionRunning = true;
    try {
      await this.cursorWriter.flush();
      const [cursors, replayMin, head] = await Promise.all([this.cursors.list(), this.replayWindows.minActivePosition(), this.deps.log.head()]);
      let below = head;
      for (const c of cursors) below = Math.min(below, c.position);
      if (replayMin !== undefined) below = Math.min(below, replayMin);
      const now = this.now();
      const events = await this.deps.log.prune({ belowOrAtSeq: below, publishedBefore: now - this.options.retentionMs });
      if (events > 0) this.logger.info({ events, below }, 'retention: pruned events');
      await this.stats.pruneMinutes(now - MINUTE_RETENTION_MS);
      return events;
    } catch (err) {
      this.logger.error({ err }, 'retention: pruning failed');
      return 0;
    } finally {
      this.retentionRunning = false;
    }
  }

  /**
   * Brings workers in line with every feed: start, update, stop; forgets cursors of vanished/disabled ones.
   * Requests while one runs (timer, rebalance signal, NOTIFY resync) coalesce into ONE more run after it, which
   * starts after all of them were made: a caller never waits on a listing older than its request.
   */
  reconcile(): Promise<void> {
    if (this.reconcileQueued) return this.reconcileQueued;
    if (!this.reconciling) return (this.reconciling = this.reconcileOnce().finally(() => (this.reconciling = undefined)));
    const queued = this.reconciling.catch(() => {}).then(() => {
      this.reconcileQueued = undefined;
      return this.reconcile();
    });
    this.reconcileQueued = queued;
    return queued;
  }

  private async reconcileOnce(): Promise<void> {
    if (this.stopping) return;
    const listedAt = ++this.changeSeq;
    // Runs `fn` on the destination's chain unless a change notification superseded this listing meanwhile;
    // then `superseded` runs instead (default: nothing, the notification's own refresh decides).
    const unlessNewer = (id: string, fn: () => Promise<void>, superseded?: () => Promise<void>) =>
      this.enqueue(id, async () => {
        if ((this.notifiedAt.get(id) ?? 0) > listedAt) return superseded?.();
        await fn();
      });
    const listed: { feed: DestinationFeed; spec: DestinationSpec }[] = [];
    for (const feed of this.deps.feeds) {
      try {
        for (const spec of await feed.source.list()) listed.push({ feed, spec });
      } catch (err) {
        this.logger.error({ err, feed: feed.name }, 'delivery: listing destinations failed');
        return;
      }
    }
    const enabled = listed.filter((l) => l.spec.enabled);
    const owned = await this.ownership.claim(enabled.map((l) => l.spec.id));
    const work: Promise<void>[] = [];
    // A superseded listing is re-read: the claim above may have granted a lease that this listing must not act
    // on, and that the notification's refresh (possibly already done) did not know about.
    for (const { feed, spec } of listed) work.push(unlessNewer(spec.id, () => this.apply(feed, spec, owned), () => this.refresh(feed, spec.id)));
    // Workers and cursors of destinations that are gone or disabled (changed while this instance was down, or a
    // missed notification). Dead letters stay: only an explicit delete notification purges them.
    const enabledIds = new Set(enabled.map((l) => l.spec.id));
    for (const id of this.workers.keys()) {
      if (!enabledIds.has(id)) work.push(unlessNewer(id, () => this.stopWorker(id, 'disabled')));
    }
    for (const c of await this.cursors.list().catch(() => [])) {
      const id = c.destinationId;
      if (!enabledIds.has(id)) work.push(unlessNewer(id, async () => (this.workers.has(id) ? undefined : this.forgetCursor(id))));
    }
    await Promise.all(work);
  }

  private async refresh(feed: DestinationFeed, id: string): Promise<void> {
    if (this.stopping) return;
    const spec = await feed.source.get(id);
    if (!spec) return this.remove(id);
    const owned = spec.enabled ? await this.ownership.claim([id], { partial: true }) : new Map<string, number | null>();
    return this.apply(feed, spec, owned);
  }

  private async apply(feed: DestinationFeed, spec: DestinationSpec, owned: Map<string, number | null>): Promise<void> {
    if (this.stopping) return;
    const running = this.workers.get(spec.id);
    if (!spec.enabled) {
      if (running) {
        await this.stopWorker(spec.id, 'disabled');
        await this.forgetCursor(spec.id);
      }
      return;
    }
    if (!owned.has(spec.id)) {
      if (running) await this.stopWorker(spec.id, 'not owned');
      return;
    }
    if (running) {
      if (running.worker.spec.version !== spec.version) running.worker.update(spec);
      return;
    }
    await this.startWorker(feed, spec, owned.get(spec.id) ?? null);
  }

  private async startWorker(feed: DestinationFeed, spec: DestinationSpec, fence: number | null): Promise<void> {
    let position = await this.cursors.get(spec.id);
    if (position === undefined) {
      // No cursor: a new or re-enabled destination starts where the admin's action happened, never in history.
      position = spec.startAt !== undefined ? (await this.deps.log.seqAtTime(spec.startAt)) - 1 : await this.deps.log.head();
      this.cursorWriter.schedule(spec.id, position, fence);
    }
    const worker = new DestinationWorker({
      spec,
      fence,
      position,
      log: this.deps.log,
      tail: this.tail,
      sharedReads: this.sharedReads,
      deadLetters: this.deadLetters,
      replayWindows: this.replayWindows,
      cursorWriter: this.cursorWriter,
      connectorDeps: this.deps.connectorDeps,
      logger: this.logger,
      metrics: this.metrics.forDestination(spec.id),
      now: this.now,
      random: this.deps.random ?? Math.random,
      options: this.options,
    });
    this.workers.set(spec.id, { worker, feed, fence });
    worker.start();
    this.logger.info({ destination: spec.id, feed: feed.name, connector_type: spec.connectorType, position }, 'delivery: destination started');
  }

  private async stopWorker(id: string, reason: 'disabled' | 'deleted' | 'not owned' | 'fenced'): Promise<void> {
    const running = this.workers.get(id);
    if (!running) return;
    this.workers.delete(id);
    await running.worker.stop(this.options.drainMs);
    if (reason === 'not owned' || reason === 'fenced') {
      // Another instance carries on from our last written cursor; write what we settled unless fenced.
      if (reason === 'not owned') await this.cursorWriter.flush().catch(() => {});
      else this.cursorWriter.discard(id);
      await running.worker.health.flush(running.feed.sink, this.stats, running.fence).catch(() => {});
    } else {
      // The admin's state (paused / gone) wins over anything the worker still had to say.
      running.worker.health.discardPendingState();
      await running.worker.health.flush(running.feed.sink, this.stats, running.fence).catch(() => {});
    }
    await this.ownership.release(id).catch(() => {});
    this.logger.info({ destination: id, reason }, 'delivery: destination stopped');
  }

  private async forgetCursor(id: string): Promise<void> {
    this.cursorWriter.discard(id);
    // A write already under way may carry this destination: let it land first, then delete.
    await this.cursorWriter.flush().catch(() => {});
    await this.cursors.delete(id);
  }

  /** A destination that no longer exists: stop it and drop everything kept for it. */
  private async remove(id: string): Promise<void> {
    await this.stopWorker(id, 'deleted');
    await this.forgetCursor(id);
    await Promise.all([this.deadLetters.purge(id), this.stats.delete(id), this.replayWindows.deleteForDestination(id)]);
    this.metrics.remove(id);
  }

  private onAppended(orgIds: Iterable<string>): void {
    const orgs = new Set(orgIds);
    for (const { worker } of this.workers.values()) {
      const org = worker.spec.orgId;
      if (org === null || orgs.has(org)) worker.nudge('events');
    }
  }

  private async flushHealth(): Promise<void> {
    await Promise.all(
      [...this.workers.values()].map((r) =>
        r.worker.health.flush(r.feed.sink, this.stats, r.fence).catch((err) => this.logger.warn({ err, destination: r.worker.id }, 'delivery: writing health failed')),
      ),
    );
  }

  private enqueue(id: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(id) ?? Promise.resolve();
    const next = previous
      .then(fn)
      .catch((err) => this.logger.error({ err, destination: id }, 'delivery: applying a destination change failed'))
      .finally(() => {
        if (this.chains.get(id) === next) this.chains.delete(id);
      });
    this.chains.set(id, next);
    return next;
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running || this.stopping) return;
      running = true;
      fn()
        .catch((err) => this.logger.error({ err }, 'delivery: periodic task failed'))
        .finally(() => (running = false));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
