/**
 * What the delivery APIs (src/api/arbitex/delivery.ts) do, on top of the database so any instance can answer:
 * stats, dead letters (list, replay, purge), replay windows. The engine, when it runs in this process, adds the
 * live figures (position, latency) and is woken so a replay starts at once; otherwise the owning worker finds
 * the queued work within its replay poll interval.
 */
import type { ConnectorDeps, ConnectorType } from '../../connectors/shared/types.ts';
import { ValidationError } from '../../errors.ts';
import type { StoreAdapter } from '../../store/adapter.ts';
import type { EventLog, LogQuery } from '../../store/event-log.ts';
import { cursorRepo, type CursorRepo } from './cursor-repo.ts';
import { deadLetterRepo, type DeadLetterRecord, type DeadLetterRepo, type DeadLetterState } from './dead-letter-repo.ts';
import { DEFAULT_ENGINE_OPTIONS, type DeliveryEngine } from './engine.ts';
import { previewRequests, type Preview } from './preview.ts';
import { replayWindowRepo, type ReplayWindow, type ReplayWindowRepo } from './replay-window-repo.ts';
import { statsRepo, type StatsRepo } from './stats-repo.ts';
import { toTimeseries, windowRange, type Timeseries, type TimeseriesWindow } from './timeseries.ts';
import { deliveryDb } from './tables.ts';

export interface DeliveryStats {
  delivered: number;
  failed: number;
  retried: number;
  deadLettered: number;
  /** Dead letters neither replayed nor queued for replay. */
  deadLettersPending: number;
  /** Events not yet settled (capped at backlogCountCap). */
  backlog: number;
  /** Age of the oldest unsettled event, seconds (0 when none). */
  lagSeconds: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  lastLatencyMs: number | null;
  /** Live cursor position (null: not delivering — disabled or not started). */
  position: number | null;
}

export interface DeliveryAdminDeps {
  store: StoreAdapter<any>;
  log: EventLog;
  connectorDeps: ConnectorDeps;
  retentionMs: number;
  now: () => number;
  /** Set when delivery runs in this process. */
  engine?: DeliveryEngine;
  backlogCountCap?: number;
}

export class DeliveryAdmin {
  private readonly cursors: CursorRepo;
  private readonly deadLetters: DeadLetterRepo;
  private readonly replayWindows: ReplayWindowRepo;
  private readonly statsStore: StatsRepo;

  constructor(private readonly deps: DeliveryAdminDeps) {
    const db = deliveryDb(deps.store.db);
    this.cursors = cursorRepo(db);
    this.deadLetters = deadLetterRepo(db);
    this.replayWindows = replayWindowRepo(db);
    this.statsStore = statsRepo(db);
  }

  async stats(destinationId: string, query: LogQuery): Promise<DeliveryStats> {
    const engine = this.deps.engine;
    const [stored, pending, persisted] = await Promise.all([
      this.statsStore.get(destinationId),
      this.deadLetters.list(destinationId, { limit: 0, offset: 0, state: 'pending' }),
      this.cursors.get(destinationId),
    ]);
    const position = engine?.position(destinationId) ?? persisted ?? null;
    let backlog = 0;
    let lagSeconds = 0;
    if (position !== null) {
      const q = { ...query, afterSeq: position };
      const [count, oldest] = await Promise.all([
        this.deps.log.count({ ...q, cap: this.deps.backlogCountCap ?? DEFAULT_ENGINE_OPTIONS.backlogCountCap }),
        this.deps.log.read({ ...q, limit: 1 }),
      ]);
      backlog = count;
      if (oldest.length > 0) lagSeconds = Math.max(0, (this.deps.now() - oldest[0].publishedAt) / 1000);
    }
    // This process's in-memory figures are the freshest; another instance's arrive through delivery_stats.
    const live = engine?.latency(destinationId);
    return {
      delivered: stored?.delivered ?? 0,
      failed: stored?.failed ?? 0,
      retried: stored?.retried ?? 0,
      deadLettered: stored?.deadLettered ?? 0,
      deadLettersPending: pending.total,
      backlog,
      lagSeconds,
      latencyP50Ms: live?.p50Ms ?? stored?.latencyP50Ms ?? null,
      latencyP99Ms: live?.p99Ms ?? stored?.latencyP99Ms ?? null,
      lastLatencyMs: live?.lastMs ?? stored?.lastLatencyMs ?? null,
      position,
    };
  }

  /** Delivered / failed / retried / dead-lettered events and latency over the last hour or day (charts). */
  async timeseries(destinationId: string, window: TimeseriesWindow): Promise<Timeseries> {
    const range = windowRange(window, this.deps.now());
    return toTimeseries(await this.statsStore.minutes(destinationId, range.from, range.to), range);
  }

  listDeadLetters(destinationId: string, opts: { limit: number; offset: number; state: DeadLetterState }): Promise<{ items: DeadLetterRecord[]; total: number }> {
    return this.deadLetters.list(destinationId, opts);
  }

  /** Queues dead letters (all not yet replayed, or these ids) for re-delivery; returns how many. */
  async replayDeadLetters(destinationId: string, ids?: readonly string[]): Promise<number> {
    const n = await this.deadLetters.requestReplay(destinationId, ids, this.deps.now());
    if (n > 0) this.deps.engine?.wake(destinationId, 'replays');
    return n;
  }

  purgeDeadLetters(destinationId: string, ids?: readonly string[]): Promise<number> {
    return this.deadLetters.purge(destinationId, ids);
  }

  /**
   * Re-delivers the events published in [from, to) that are still in the log, as a stream beside the live cursor.
   * `from` earlier than the retention is raised to it; a window wholly outside the retention (or in the future) is
   * a 422.
   */
  async replayWindow(destinationId: string, from: number, to: number): Promise<ReplayWindow & { clipped: boolean }> {
    const now = this.deps.now();
    const retainedFrom = now - this.deps.retentionMs;
    const issue = (loc: string, msg: string) => new ValidationError([{ loc: ['body', loc], msg, type: 'value_error' }]);
    if (!(from < to)) throw issue('to', '"to" must be later than "from"');
    if (to <= retainedFrom) throw issue('to', `the window ends before the retention (events are kept ${Math.round(this.deps.retentionMs / 3_600_000)} h)`);
    if (from > now) throw issue('from', '"from" is in the future');
    const effectiveFrom = Math.max(from, retainedFrom);
    const effectiveTo = Math.min(to, now + 1);
    const fromSeq = (await this.deps.log.seqAtTime(effectiveFrom)) - 1;
    const toSeq = (await this.deps.log.seqAtTime(effectiveTo)) - 1;
    const window = await this.replayWindows.create({
      destinationId,
      fromTime: effectiveFrom,
      toTime: effectiveTo,
      fromSeq,
      toSeq: Math.max(fromSeq, toSeq),
      createdAt: now,
    });
    this.deps.engine?.wake(destinationId, 'replays');
    return { ...window, clipped: effectiveFrom !== from };
  }

  /** The request(s) the connector would send for a sample event, credentials redacted (422 when it cannot be built). */
  async preview(connectorType: ConnectorType, config: Record<string, unknown>, orgId: string | undefined): Promise<Preview> {
    try {
      return await previewRequests(connectorType, config, this.deps.connectorDeps, { orgId, now: this.deps.now() });
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      throw new ValidationError(
        [{ loc: ['config'], msg: `Connector cannot be instantiated: ${(err as Error).message ?? String(err)}`, type: 'value_error' }],
      );
    }
  }
}
