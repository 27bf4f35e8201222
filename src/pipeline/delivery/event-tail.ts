/**
 * The shared in-memory tail of the event log: the events this instance just appended, kept (bounded) so that
 * caught-up destinations take them from memory instead of each re-reading the same rows from the log. One tail
 * per engine, shared by every destination; a stream whose position is not in it reads the log as before.
 *
 * GAP-SAFETY. The tail holds ONE contiguous seq range (start, end] and every seq in it: it never serves a range
 * it does not know to be complete, so a reader can neither skip nor reorder an event. It is filled from the
 * Publisher's 'appended' notices, which come after the commit: an append's events hold the seqs
 * (lastSeq − appended, lastSeq] in input order (both backends take them from the head row inside the write
 * transaction, see store/event-log.ts), so everything in the tail is committed and at or below the log's head.
 * A notice that does not continue the range at exactly end + 1 (another instance or process appended in
 * between — on PostgreSQL with several instances, foreign seqs interleave — or notices arrived out of order)
 * restarts the tail after the gap; a notice whose events cannot be identified (some were duplicates, so which
 * ones got seqs is unknown) restarts it empty at its lastSeq. Streams behind `start` read the log.
 *
 * publishedAt: both backends store max(previous published_at, now). Along a contiguous range the tail applies
 * the same rule, so it matches the log; the first append after a restart takes `now` (the log is higher only if
 * the clock stepped back meanwhile; publishedAt feeds latency figures and the retention deadline of retries).
 *
 * Memory: only what readers need, at most `maxBytes` (the events' UTF-8 JSON bytes plus a per-event overhead;
 * the oldest go first, seq-window.ts). Held events survive young-generation GCs and get promoted, so holding
 * events nobody will read is not free (a destination in an outage, every stream behind the tail): the tail
 * keeps only the events after the slowest position a stream read from it in the last few seconds (ACTIVE_READER_MS),
 * or just the latest append when no stream did.
 */
import type { AppendedNotice } from '../publish.ts';
import type { ReadOptions, StoredEvent } from '../../store/event-log.ts';
import { KeptStoredEvent } from '../../store/kept-event.ts';
import { SeqWindow, type WindowRead } from './seq-window.ts';

/**
 * ~12,000 events of 1 KB. Caught-up streams need a read-ahead chunk or two of it (4,000 events by default); what
 * a stream further behind would find here costs more as promoted heap (and the RSS the heap grows into) than
 * reading it from the log does.
 */
export const DEFAULT_TAIL_MAX_BYTES = 16 * 1024 * 1024;
/**
 * A stream that read the tail this recently still counts (its read-ahead may be full for a while). Longer than the
 * delivery engine's idle poll (engine.ts pollIntervalMs, 1 s): a caught-up stream polls the tail that often while
 * nothing is published, and must still count when a burst of appends arrives before its wake-up read runs, or it
 * would find only the latest append here and read the others from the log.
 */
export const ACTIVE_READER_MS = 3000;

export type TailQuery = Pick<ReadOptions, 'orgId' | 'classUids' | 'minSeverity'>;

export class EventTail {
  private readonly window: SeqWindow;
  /** No range known yet (before the first notice). */
  private anchored = false;
  private lastPublishedAt = -Infinity;
  /** Where each stream last read the tail, and when. */
  private readonly readers = new Map<object, { afterSeq: number; at: number }>();

  constructor(
    maxBytes = DEFAULT_TAIL_MAX_BYTES,
    private readonly now: () => number = Date.now,
  ) {
    this.window = new SeqWindow(maxBytes, 0);
  }

  /** Exclusive lower bound of the range held (undefined before the first notice). */
  get start(): number | undefined {
    return this.anchored ? this.window.start : undefined;
  }

  /** Inclusive upper bound of the range held. */
  get end(): number | undefined {
    return this.anchored ? this.window.end : undefined;
  }

  get length(): number {
    return this.window.length;
  }

  get bytes(): number {
    return this.window.bytes;
  }

  /** Takes in an append (Publisher 'appended'). */
  add(notice: AppendedNotice): void {
    const batch = notice.batch;
    if (!batch || batch.duplicates > 0 || batch.events.length === 0) {
      this.restart(notice.lastSeq);
      return;
    }
    const first = notice.lastSeq - batch.events.length + 1;
    if (!this.anchored || first !== this.window.end + 1) this.restart(first - 1);
    const publishedAt = Math.max(batch.now, this.lastPublishedAt);
    const stored: StoredEvent[] = new Array(batch.events.length);
    const sizes: number[] = new Array(batch.events.length);
    for (let i = 0; i < stored.length; i++) {
      const e = batch.events[i];
      // Kept as sent: the bytes only, the text decoded if asked (store/kept-event.ts). Else the log's row shape
      // (event-log-columns.ts).
      const bytes = e.jsonUtf8;
      stored[i] = bytes
        ? new KeptStoredEvent(first + i, e.orgId, e.uid, e.classUid, e.severityId, e.time, publishedAt, bytes)
        : { seq: first + i, orgId: e.orgId, uid: e.uid, classUid: e.classUid, severityId: e.severityId, time: e.time, publishedAt, json: e.json };
      sizes[i] = bytes ? bytes.length : Buffer.byteLength(e.json);
    }
    this.window.extend(stored, notice.lastSeq, sizes);
    this.lastPublishedAt = publishedAt;
    this.window.dropThrough(this.neededAfter(first - 1));
  }

  /**
   * Events in (afterSeq, toSeq] matching the query, at most `limit`. Undefined when the tail does not hold
   * afterSeq + 1 onwards or holds nothing after afterSeq: the caller asks the log.
   */
  read(afterSeq: number, toSeq: number, query: TailQuery, limit: number, reader?: object): WindowRead | undefined {
    // A stream far behind the tail is not kept in it: holding events for it would only help once it caught up. One
    // that just fell behind (a slow moment) is: it reads the gap from the log and is back here a read or two later,
    // instead of chasing the latest append. Before the first notice every position counts (see neededAfter).
    if (reader && (!this.anchored || this.isNear(afterSeq))) this.readers.set(reader, { afterSeq, at: this.now() });
    if (!this.anchored) return undefined;
    return this.window.read(afterSeq, toSeq, limit, matcher(query));
  }

  /** The stream no longer reads (stopped): the tail need not keep its events. */
  forget(reader: object): void {
    this.readers.delete(reader);
  }

  /**
   * The seq after which the tail must keep events: the slowest recent reader's position, at most `latest` (below
   * the tail's start: keep everything, within maxBytes). Readers far behind do not count.
   */
  private neededAfter(latest: number): number {
    const since = this.now() - ACTIVE_READER_MS;
    let after = latest;
    for (const [reader, r] of this.readers) {
      if (r.at < since) this.readers.delete(reader);
      else if (r.afterSeq < after && this.isNear(r.afterSeq)) after = r.afterSeq;
    }
    return after;
  }

  /** In the tail, or behind its start by no more than it holds. */
  private isNear(afterSeq: number): boolean {
    return afterSeq >= this.window.start - this.window.length;
  }

  /** Empty at `seq`: the next append must start at seq + 1 to be taken in. */
  private restart(seq: number): void {
    this.window.reset(seq);
    this.anchored = true;
    this.lastPublishedAt = -Infinity;
  }
}

/** The log's filters in memory (same meaning as its SQL: empty class list matches nothing); undefined: all. */
function matcher(query: TailQuery): ((e: StoredEvent) => boolean) | undefined {
  const { orgId, classUids, minSeverity } = query;
  const hasSeverity = minSeverity !== undefined && minSeverity !== null;
  if (orgId === undefined && !classUids && !hasSeverity) return undefined;
  return (e) =>
    (orgId === undefined || e.orgId === orgId) &&
    (!classUids || classUids.includes(e.classUid)) &&
    (!hasSeverity || e.severityId >= minSeverity);
}
