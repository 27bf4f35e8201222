/**
 * Publishing (SPEC §6): events in → normalised OCSF, each routed to its organisation (prepare-event.ts), appended
 * to the event log in ONE append (one transaction) → answered after the commit. Invalid events are returned with
 * their index; the valid ones of the same call are kept. After an append, 'appended' wakes the delivery workers
 * in-process.
 *
 * Two entries: publish(events) for parsed events (library API), publishBody(bytes) for an HTTP body. A body goes
 * to the event log whole when the store can parse, prepare and append it off the main thread
 * (EventLog.publishBody: SQLite's append worker) and that thread is not already busy (WRITER_BACKLOG_PARSE_HERE);
 * otherwise (unless this thread is the busier one) it is parsed and prepared here, in slices, and appended with
 * append().
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { publishBodyBytes, type EventsBodyFormat } from '../intake/events-body.ts';
import { eventLoopLoad } from './event-loop-load.ts';
import type { AppendResult, EventLog, NewEvent, OrgRules, PreparedBody, RejectedEvent } from '../store/event-log.ts';
import type { Metrics } from './metrics.ts';
import { bodyPreparation, eventsPreparation, readPublishBody, type BodyPreparation } from '../intake/publish-body.ts';

export type PublishOptions = OrgRules;

export interface PublishResult {
  /** Valid events: appended, or duplicates of an event published within the de-duplication window. */
  accepted: number;
  rejected: RejectedEvent[];
  /** Of `accepted`, those not appended because their uid was seen before. */
  duplicates: number;
}

/** Emitted after a commit that appended events. `orgIds`: organisations of the call's accepted events. */
export interface AppendedNotice {
  orgIds: Set<string>;
  lastSeq: number;
  /**
   * What went into the append, for delivery's in-memory tail (pipeline/delivery/event-tail.ts): the events in
   * the order given, how many of them were duplicates, and the `now` passed to the append.
   */
  batch?: { events: readonly NewEvent[]; duplicates: number; now: number };
}

export interface PublisherEvents {
  appended: [AppendedNotice];
}

export interface PublisherOptions {
  eventLog: EventLog;
  metrics: Pick<Metrics, 'eventsPublished' | 'eventsRejected' | 'eventsDuplicate' | 'publishLatency'>;
  logger?: Logger;
  now?: () => number;
  /** SPEC §6: a uid re-published within this window is not appended again (default 24 h). */
  dedupeWindowMs?: number;
  /** This thread's load, 0..1 (default: its event-loop utilisation over the last MAIN_LOAD_WINDOW_MS). */
  mainThreadLoad?: () => number;
}

export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;
/**
 * Where a body is parsed and prepared when the store offers its writer thread (EventLog.publishBody): there while
 * it has fewer than this many requests unanswered, here on the main thread beyond. The writer also inserts and
 * syncs, so under a publishing burst it became the bottleneck with the main thread half idle. Measured with
 * `npm run bench` (a) (one destination, medians of 3): 42.9k delivered/s with this split, 37.7k all in the writer;
 * 40-43k all here, but then (b)'s four deliveries starved (delivery p50 948 ms against 236 ms). A threshold of 1
 * or 3 measured 46.6k and 45.9k against 49.6k for 2 (with the idle linger of destination-worker.ts).
 */
const WRITER_BACKLOG_PARSE_HERE = 2;
/**
 * ...except while this thread is itself the busier one: above this event-loop utilisation (over the last
 * MAIN_LOAD_WINDOW_MS) bodies go to the writer whatever its backlog, so that delivery, which runs here, keeps up.
 * bench (b) (four destinations: this thread encodes and sends every event four times), alternating runs:
 * delivery p50 279/288/309 ms with this rule against 507/1,246/924 without, p99 638/891/643 against
 * 1,083/1,865/1,745, CPU per event 61.5/64.7/66.5 µs against 64.0/76.5/72.7 (destinations that fell behind the
 * in-memory tail re-read the log); (a) unchanged within the noise.
 */
const MAIN_BUSY_UTILIZATION = 0.85;
const MAIN_LOAD_WINDOW_MS = 100;
/** Normalising is synchronous CPU work; a 100k-event request yields to the event loop between slices. */
const NORMALIZE_SLICE = 5000;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

export class Publisher {
  /** 'appended' → AppendedNotice (delivery workers subscribe). */
  readonly events = new EventEmitter<PublisherEvents>();
  readonly #log: EventLog;
  readonly #metrics: PublisherOptions['metrics'];
  readonly #logger?: Logger;
  readonly #now: () => number;
  readonly #windowMs: number;
  readonly #mainThreadLoad: () => number;
  #expiryTimer?: NodeJS.Timeout;

  constructor(opts: PublisherOptions) {
    this.#log = opts.eventLog;
    this.#metrics = opts.metrics;
    this.#logger = opts.logger;
    this.#now = opts.now ?? Date.now;
    this.#windowMs = opts.dedupeWindowMs ?? DEDUPE_WINDOW_MS;
    this.#mainThreadLoad = opts.mainThreadLoad ?? eventLoopLoad(MAIN_LOAD_WINDOW_MS);
  }

  async publish(rawEvents: readonly unknown[], opts: PublishOptions = {}): Promise<PublishResult> {
    const stopTimer = this.#metrics.publishLatency.startTimer();
    try {
      const now = this.#now();
      const out = await this.#prepareInSlices(eventsPreparation({ events: rawEvents, texts: null, positions: null, unparsable: [] }, opts, now));
      return await this.#append(out.prepared, out.orgs, now);
    } finally {
      stopTimer();
    }
  }

  /**
   * Publishes a publish request's body (UTF-8 bytes, or text): a JSON array, `{"events": [...]}` or NDJSON (api/events-body.ts).
   * Rejected indexes are request positions (NDJSON: lines that are not JSON included). Throws a SiemError for a
   * body refused as a whole.
   */
  async publishBody(body: Uint8Array | string, format: EventsBodyFormat, opts: PublishOptions = {}): Promise<PublishResult> {
    const stopTimer = this.#metrics.publishLatency.startTimer();
    try {
      const now = this.#now();
      // The store's writer thread, when it can, finds, parses and prepares the events as well as appending them
      // (a JSON array's events are each read once there: publish-body.ts readAndPreparePublishBody).
      const bytes = publishBodyBytes(body);
      if (this.#log.publishBody && ((this.#log.writerBacklog?.() ?? 0) < WRITER_BACKLOG_PARSE_HERE || this.#mainThreadLoad() > MAIN_BUSY_UTILIZATION)) {
        const { append, ...prepared } = await this.#log.publishBody({ body: { format, bytes }, rules: opts, now });
        return this.#appended(prepared, new Set(prepared.orgIds), append, now);
      }
      const { scanned, skeletons } = readPublishBody(bytes, format);
      const out = await this.#prepareInSlices(bodyPreparation(scanned, opts, now, skeletons));
      return await this.#append(out.prepared, out.orgs, now);
    } finally {
      stopTimer();
    }
  }

  async #prepareInSlices(preparation: BodyPreparation): Promise<{ prepared: PreparedBody; orgs: Set<string> }> {
    const prepared: PreparedBody = { valid: [], rejected: [], orgIds: [] };
    const orgs = new Set<string>();
    for (let from = 0; from < preparation.count; from += NORMALIZE_SLICE) {
      if (from > 0) await nextTurn();
      preparation.prepare(from, Math.min(from + NORMALIZE_SLICE, preparation.count), prepared, orgs);
    }
    prepared.rejected = preparation.positions(prepared.rejected);
    return { prepared, orgs };
  }

  async #append(prepared: PreparedBody, orgIds: Set<string>, now: number): Promise<PublishResult> {
    const result = prepared.valid.length > 0 ? await this.#log.append(prepared.valid, now) : { appended: 0, duplicates: 0, lastSeq: 0 };
    return this.#appended(prepared, orgIds, result, now);
  }

  /** Metrics and the 'appended' notice of a committed append. */
  #appended(prepared: PreparedBody, orgIds: Set<string>, result: AppendResult, now: number): PublishResult {
    const { valid, rejected } = prepared;
    this.#metrics.eventsRejected.inc(rejected.length);
    this.#metrics.eventsPublished.inc(result.appended);
    this.#metrics.eventsDuplicate.inc(result.duplicates);
    if (result.appended > 0) this.events.emit('appended', { orgIds, lastSeq: result.lastSeq, batch: { events: valid, duplicates: result.duplicates, now } });
    return { accepted: valid.length, rejected, duplicates: result.duplicates };
  }

  /** Forgets uids first seen before the de-duplication window; returns how many. */
  forgetExpiredUids(): Promise<number> {
    return this.#log.pruneDedupe(this.#now() - this.#windowMs);
  }

  /** Runs forgetExpiredUids every `intervalMs` until close() (the window is then exceeded by at most that much). */
  scheduleUidExpiry(intervalMs = 10 * 60 * 1000): void {
    if (this.#expiryTimer) return;
    this.#expiryTimer = setInterval(() => {
      this.forgetExpiredUids().catch((err) => this.#logger?.warn({ err }, 'forgetting expired event uids failed'));
    }, intervalMs);
    this.#expiryTimer.unref();
  }

  close(): void {
    clearInterval(this.#expiryTimer);
    this.#expiryTimer = undefined;
    this.events.removeAllListeners();
  }
}
