/**
 * One destination's delivery loop. Independent of every other destination (own connector, own gate, own
 * buffers, own timers), so a slow, hanging or failing SIEM never delays another one or publishing; its requests'
 * deadlines come from the connector's timeout_ms.
 *
 * The loop: start reads where a stream's buffer runs low → launch ready batches while fewer than `maxInFlight`
 * are in flight and the gate is open (streams take turns) → sleep until woken (events appended, a batch settled,
 * a config change) or until the earliest partial batch is due / the poll interval passes.
 */
import type { Logger } from 'pino';
import { connectorCatalog } from '../../connectors/catalog.ts';
import { instantiateConnector } from '../../connectors/shared/redacting-connector.ts';
import type { Connector, ConnectorDeps } from '../../connectors/shared/types.ts';
import type { EventLog, LogQuery } from '../../store/event-log.ts';
import type { BackoffPolicy } from '../../backoff.ts';
import { batchLimits, type BatchLimits } from './batching.ts';
import type { CursorWriter } from './cursor-writer.ts';
import { DeadLetterStream } from './dead-letter-stream.ts';
import type { DeadLetterItem, DeadLetterRepo } from './dead-letter-repo.ts';
import { DeliveryGate, GateStopped } from './delivery-gate.ts';
import type { DestinationMetrics } from './delivery-metrics.ts';
import type { DestinationSpec } from './destination.ts';
import type { EventTail } from './event-tail.ts';
import { SharedLogReads } from './shared-log-reads.ts';
import { DestinationHealth } from './destination-health.ts';
import { LogStream } from './log-stream.ts';
import type { ReplayWindow, ReplayWindowRepo } from './replay-window-repo.ts';
import { settleBatch, type SettleContext } from './settle-batch.ts';
import type { Batch, DeliveryStream } from './stream.ts';

/** How long a partial batch waits when the destination has no request in flight (partialWaitMs). */
export const IDLE_LINGER_MS = 50;

export interface WorkerOptions {
  flushIntervalMs: number;
  retentionMs: number;
  maxInFlight: number;
  pollIntervalMs: number;
  authProbeMs: number;
  backoff: BackoffPolicy;
  /** How often queued dead-letter replays and new replay windows are looked for without a nudge. */
  replayPollMs: number;
  maxBufferBytes: number;
  /** Memory bound of the shared tail of recent appends (event-tail.ts; default 16 MiB). */
  tailMaxBytes?: number;
}

export interface WorkerDeps {
  spec: DestinationSpec;
  /** Lease token (null on a single instance). */
  fence: number | null;
  /** Committed cursor position to resume from. */
  position: number;
  log: EventLog;
  /** The engine's shared in-memory tail of recent appends. */
  tail?: EventTail;
  /** The engine's log reads shared between streams of the same query (none: this worker's own). */
  sharedReads?: SharedLogReads;
  deadLetters: DeadLetterRepo;
  replayWindows: ReplayWindowRepo;
  cursorWriter: CursorWriter;
  connectorDeps: ConnectorDeps;
  logger: Logger;
  metrics: DestinationMetrics;
  now: () => number;
  random: () => number;
  options: WorkerOptions;
}

/** Replay windows save their progress at most this often (and when finished). */
const REPLAY_SAVE_INTERVAL_MS = 1000;

export class DestinationWorker {
  readonly id: string;
  readonly health: DestinationHealth;
  private specValue: DestinationSpec;
  private connector: Connector | undefined;
  private retired: Connector[] = [];
  private limits: BatchLimits;
  private readonly gate: DeliveryGate;
  private readonly live: LogStream;
  private readonly sharedReads: SharedLogReads;
  private readonly replays = new Map<string, LogStream>();
  private readonly deadLetterStream: DeadLetterStream;
  private readonly inFlight = new Set<Promise<void>>();
  /** Reads under way (awaited on stop: the store may close right after). */
  private readonly reads = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly wakeup = new Wakeup();
  private readonly settleContext: SettleContext;
  private readonly logger: Logger;
  private stopping = false;
  /** Set once stopped: late completions must not move positions any more (the cursor may be deleted). */
  private frozen = false;
  private loopDone: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private turn = 0;
  private lastReplayCheck = -Infinity;
  private checkingReplays = false;

  constructor(private readonly deps: WorkerDeps) {
    this.id = deps.spec.id;
    this.specValue = deps.spec;
    this.logger = deps.logger.child({ destination: this.id });
    this.health = new DestinationHealth(this.id, deps.now, deps.metrics);
    this.gate = new DeliveryGate({ backoff: deps.options.backoff, authProbeMs: deps.options.authProbeMs, now: deps.now, random: deps.random });
    this.connector = this.createConnector(deps.spec);
    this.limits = batchLimits(deps.spec.batchSize, this.connector?.limits ?? { maxEventsPerRequest: 1, maxRequestBytes: 1, maxEventBytes: 1 });
    this.sharedReads = deps.sharedReads ?? new SharedLogReads(deps.log);
    this.live = this.logStream('live', 'live', deps.position, undefined, (position) => {
      if (!this.frozen) deps.cursorWriter.schedule(this.id, position, deps.fence);
    });
    this.deadLetterStream = new DeadLetterStream({ destinationId: this.id, repo: deps.deadLetters, now: deps.now, pollMs: deps.options.replayPollMs });
    this.settleContext = {
      gate: this.gate,
      connector: () => this.connector,
      signal: this.abort.signal,
      now: deps.now,
      retentionMs: deps.options.retentionMs,
      maxEventBytes: () => this.limits.maxEventBytes,
      report: this.health,
    };
  }

  get spec(): DestinationSpec {
    return this.specValue;
  }

  /** The live cursor: everything up to here is delivered or dead-lettered. */
  get position(): number {
    return this.live.committed;
  }

  get query(): LogQuery {
    return queryOf(this.specValue);
  }

  start(): void {
    this.loopDone ??= this.loop().catch((err) => this.logger.error({ err }, 'delivery loop crashed'));
  }

  /** Events may have been appended / dead letters queued / a replay window created: look now. */
  nudge(what: 'events' | 'replays' = 'events'): void {
    if (what === 'events') this.live.nudge();
    else {
      this.deadLetterStream.nudge();
      this.lastReplayCheck = -Infinity;
    }
    this.wakeup.notify();
  }

  /** Applies a changed destination from the next batch on. */
  update(spec: DestinationSpec): void {
    const before = this.specValue;
    this.specValue = spec;
    // Pending state is about the old config; dropped first, so a not_configured verdict on the new one stays.
    this.health.discardPendingState();
    if (spec.connectorType !== before.connectorType || spec.configError !== before.configError || JSON.stringify(spec.config) !== JSON.stringify(before.config)) {
      if (this.connector) this.retired.push(this.connector);
      this.connector = this.createConnector(spec);
      this.closeRetired();
    }
    if (this.connector) this.limits = batchLimits(spec.batchSize, this.connector.limits);
    const query = queryOf(spec);
    if (JSON.stringify(query) !== JSON.stringify(queryOf(before))) {
      this.live.setQuery(query);
      for (const r of this.replays.values()) r.setQuery(query);
    }
    // Whatever failed may work with the new settings: probe now instead of waiting out a backoff or auth pause.
    this.gate.reset();
    this.wakeup.notify();
  }

  /**
   * Stops reading and launching; batches in flight may finish within `drainMs`, then their requests are aborted
   * (their events stay behind the cursor and are delivered again later).
   */
  stop(drainMs: number): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.gate.stop();
      this.wakeup.notify();
      await this.loopDone;
      await Promise.allSettled([...this.reads]);
      if (!(await settleWithin(this.inFlight, drainMs))) {
        this.abort.abort();
        await settleWithin(this.inFlight, 2000);
      }
      this.frozen = true;
      for (const s of [this.live, ...this.replays.values()]) s.close();
      const connectors = [...this.retired, ...(this.connector ? [this.connector] : [])];
      this.retired = [];
      await Promise.allSettled(connectors.map((c) => c.close()));
    })();
    return this.stopped;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const now = this.deps.now();
      if (now - this.lastReplayCheck >= this.deps.options.replayPollMs) this.checkReplays(now);
      for (const s of this.streams()) if (s.wantsRead(now)) this.startRead(s);
      if (this.launchReady(now)) continue;
      await this.wakeup.wait(this.sleepMs(now));
    }
  }

  private launchReady(now: number): boolean {
    let launched = false;
    while (this.connector && this.gate.accepting && this.inFlight.size < this.deps.options.maxInFlight) {
      const batch = this.nextBatch(now);
      if (!batch) break;
      this.launch(batch);
      launched = true;
    }
    return launched;
  }

  /** Streams take turns, so a long live backlog does not starve a replay (or the other way round). */
  private nextBatch(now: number): Batch | undefined {
    const streams = this.streams();
    for (let i = 0; i < streams.length; i++) {
      const s = streams[(this.turn + i) % streams.length];
      const batch = s.take(now, this.limits, this.partialWaitMs());
      if (batch) {
        this.turn = (this.turn + i + 1) % streams.length;
        return batch;
      }
    }
    return undefined;
  }

  /**
   * How long a partial batch may wait for more events: SIEM_FLUSH_INTERVAL_MS while a request of this destination
   * is in flight (events pile up behind it, so under load batches leave full), but only IDLE_LINGER_MS when none is
   * (the end of a burst, or a quiet system: waiting the whole interval would only add latency). Like Kafka's
   * linger.ms; it bounds partial requests to ~20/s per destination.
   */
  private partialWaitMs(): number {
    const flushMs = this.deps.options.flushIntervalMs;
    return this.inFlight.size === 0 ? Math.min(flushMs, IDLE_LINGER_MS) : flushMs;
  }

  private sleepMs(now: number): number {
    let wake = now + this.deps.options.pollIntervalMs;
    // A due partial batch only matters when it could be launched; otherwise a settling batch wakes us.
    if (this.connector && this.gate.accepting && this.inFlight.size < this.deps.options.maxInFlight) {
      for (const s of this.streams()) {
        const due = s.dueAt(this.partialWaitMs());
        if (due !== undefined && due < wake) wake = due;
      }
    }
    return Math.max(1, wake - now);
  }

  private launch(batch: Batch): void {
    const task: Promise<void> = this.runBatch(batch).finally(() => {
      this.inFlight.delete(task);
      this.closeRetired();
      this.wakeup.notify();
    });
    this.inFlight.add(task);
  }

  private async runBatch(batch: Batch): Promise<void> {
    for (;;) {
      try {
        const delivered = await settleBatch(this.settleContext, batch);
        if (this.frozen) return;
        await batch.stream.finish(batch, delivered);
        this.afterFinish(batch.stream);
        return;
      } catch (err) {
        if (err instanceof GateStopped || this.stopping) return;
        // A database error while dead-lettering, say: the batch stays unsettled and is tried again.
        this.logger.error({ err, stream: batch.stream.name }, 'delivery: settling a batch failed; trying again in 1 s');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private startRead(stream: DeliveryStream): void {
    const read: Promise<void> = stream
      .read()
      .catch((err) => this.logger.warn({ err, stream: stream.name }, 'delivery: read failed; retrying after the poll interval'))
      .finally(() => {
        this.reads.delete(read);
        this.wakeup.notify();
      });
    this.reads.add(read);
  }

  private streams(): DeliveryStream[] {
    return [this.live, ...this.replays.values(), this.deadLetterStream];
  }

  private logStream(name: string, kind: 'live' | 'replay', position: number, end: number | undefined, onCommit: (position: number) => void): LogStream {
    const chunk = Math.min(10_000, Math.max(1000, this.specValue.batchSize * (this.deps.options.maxInFlight + 1)));
    return new LogStream({
      name,
      kind,
      log: this.deps.log,
      tail: this.deps.tail,
      shared: this.sharedReads,
      query: queryOf(this.specValue),
      position,
      end,
      chunk,
      maxBufferBytes: this.deps.options.maxBufferBytes,
      pollMs: this.deps.options.pollIntervalMs,
      now: this.deps.now,
      onCommit,
      deadLetter: (items: DeadLetterItem[]) => this.deps.deadLetters.insert(this.id, items, this.deps.now()),
    });
  }

  private checkReplays(now: number): void {
    if (this.checkingReplays) return;
    this.checkingReplays = true;
    this.lastReplayCheck = now;
    this.deps.replayWindows
      .active(this.id)
      .then((windows) => {
        for (const w of windows) if (!this.replays.has(w.id) && !this.stopping) this.addReplay(w);
      })
      .catch((err) => this.logger.warn({ err }, 'delivery: reading replay windows failed'))
      .finally(() => {
        this.checkingReplays = false;
        this.wakeup.notify();
      });
  }

  private addReplay(w: ReplayWindow): void {
    let savedAt = 0;
    const stream = this.logStream(`replay:${w.id}`, 'replay', w.position, w.toSeq, (position) => {
      if (this.frozen) return;
      const finished = position >= w.toSeq;
      const now = this.deps.now();
      if (!finished && now - savedAt < REPLAY_SAVE_INTERVAL_MS) return;
      savedAt = now;
      this.deps.replayWindows
        .savePosition(w.id, position, finished ? now : null)
        .catch((err) => this.logger.warn({ err, replay: w.id }, 'delivery: saving replay progress failed'));
    });
    this.replays.set(w.id, stream);
    this.logger.info({ replay: w.id, from_seq: w.fromSeq, to_seq: w.toSeq }, 'delivery: replay window started');
  }

  private afterFinish(stream: DeliveryStream): void {
    if (!stream.done) return;
    for (const [id, s] of this.replays) {
      if (s === stream) {
        this.replays.delete(id);
        s.close();
        this.logger.info({ replay: id }, 'delivery: replay window finished');
      }
    }
  }

  private createConnector(spec: DestinationSpec): Connector | undefined {
    try {
      const def = connectorCatalog[spec.connectorType];
      if (!def) throw new Error(`unknown connector type ${spec.connectorType}`);
      if (spec.configError) throw new Error(spec.configError);
      return instantiateConnector(def, spec.config, this.deps.connectorDeps);
    } catch (err) {
      // Never log the config: it holds decrypted secrets.
      const message = `connector cannot be instantiated: ${(err as Error).message ?? String(err)}`;
      this.logger.error({ connector_type: spec.connectorType }, message);
      this.health.notConfigured(message);
      return undefined;
    }
  }

  private closeRetired(): void {
    if (this.inFlight.size > 0 || this.retired.length === 0) return;
    const retired = this.retired;
    this.retired = [];
    for (const c of retired) c.close().catch(() => {});
  }
}

function queryOf(spec: DestinationSpec): LogQuery {
  return { orgId: spec.orgId ?? undefined, classUids: spec.filters.classUids, minSeverity: spec.filters.minSeverity };
}

/** Resolves true when every promise settled within `ms`, false on timeout. */
async function settleWithin(tasks: Set<Promise<void>>, ms: number): Promise<boolean> {
  if (tasks.size === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const all = Promise.allSettled([...tasks]).then(() => true as const);
  try {
    return await Promise.race([all, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A one-slot wake-up: notify() before wait() is not lost. */
class Wakeup {
  private resolve: (() => void) | undefined;
  private pending = false;

  notify(): void {
    if (this.resolve) {
      const r = this.resolve;
      this.resolve = undefined;
      r();
    } else this.pending = true;
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.resolve = undefined;
        resolve();
      }, ms);
      this.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
