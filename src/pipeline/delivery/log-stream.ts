/**
 * A stream over the event log: the live stream (cursor onwards, unbounded) or a replay window (bounded).
 *
 * Reading: forward from `readPos`, never past the log's gap-safe head, with the destination's filters, in chunks
 * into a read-ahead buffer. A read that returns fewer events than asked scanned the whole range up to the head it
 * was bounded by, so positions advance over filtered-out ranges too (retention and lag see the truth).
 *
 * Caught up, a stream takes its events from the shared in-memory tail (event-tail.ts) when the tail holds the
 * range after `readPos`: no database read, and the events' byte sizes come measured. Behind the tail (or when
 * the tail cannot vouch for a range) it reads the log, through shared-log-reads.ts: streams with the same query
 * read each range once between them.
 *
 * Positions: each batch covers a log range (PositionWindow); the committed position only moves over a contiguous
 * prefix of settled batches, and `onCommit` is told each time it moves.
 */
import type { EventLog, LogQuery, ReadOptions, StoredEvent } from '../../store/event-log.ts';
import { EventBuffer, type BatchLimits } from './batching.ts';
import type { DeadLetterItem } from './dead-letter-repo.ts';
import type { EventTail } from './event-tail.ts';
import type { SharedLogReads, SharedReader } from './shared-log-reads.ts';
import { PositionWindow } from './position-window.ts';
import type { Batch, DeliveryStream } from './stream.ts';

export interface LogStreamOptions {
  name: string;
  kind: 'live' | 'replay';
  log: EventLog;
  /** The engine's shared tail of recent appends (none: always read the log). */
  tail?: EventTail;
  /** Log reads shared with the engine's other streams of the same query. */
  shared: SharedLogReads;
  query: LogQuery;
  /** Committed start position (exclusive). */
  position: number;
  /** Inclusive end (replay windows); undefined: follow the head forever. */
  end?: number;
  /** Events per read. */
  chunk: number;
  /** No read while the buffer holds this many bytes. */
  maxBufferBytes: number;
  /** Re-read an idle stream at least this often (other instances' appends, missed wake-ups). */
  pollMs: number;
  now: () => number;
  onCommit(position: number): void;
  deadLetter(items: DeadLetterItem[]): Promise<void>;
}

type LogBatch = Batch & { slot: ReturnType<PositionWindow['reserve']> };

export class LogStream implements DeliveryStream {
  readonly name: string;
  readonly kind: 'live' | 'replay';
  private readonly buffer = new EventBuffer();
  private readonly window: PositionWindow;
  private query: LogQuery;
  private reader: SharedReader;
  private readPos: number;
  private reading = false;
  /** The last read reached the head: wait for a nudge or the poll interval. */
  private idle = false;
  private lastReadAt = 0;
  /** Bumped when the query changes, so a read started before is discarded. */
  private generation = 0;

  constructor(private readonly opts: LogStreamOptions) {
    this.name = opts.name;
    this.kind = opts.kind;
    this.query = opts.query;
    this.reader = opts.shared.attach(opts.query);
    this.readPos = opts.position;
    this.window = new PositionWindow(opts.position);
  }

  get committed(): number {
    return this.window.committed;
  }

  get done(): boolean {
    return this.opts.end !== undefined && this.window.committed >= this.opts.end;
  }

  /** Events buffered, not yet handed out. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** New filters (or organisation): drop what was read with the old ones and re-read from the last batch handed out. */
  setQuery(query: LogQuery): void {
    this.query = query;
    this.reader.release();
    this.reader = this.opts.shared.attach(query);
    this.generation++;
    this.buffer.clear();
    this.readPos = this.window.handedOutTo;
    this.idle = false;
  }

  nudge(): void {
    this.idle = false;
  }

  /** The stream is gone (worker stopped, replay finished): it shares no reads any more. */
  close(): void {
    this.reader.release();
    this.opts.tail?.forget(this);
  }

  retriesSince(event: StoredEvent): number {
    return event.publishedAt;
  }

  wantsRead(now: number): boolean {
    if (this.reading || this.done) return false;
    if (this.opts.end !== undefined && this.readPos >= this.opts.end) return false;
    if (this.buffer.length >= this.opts.chunk / 2 || this.buffer.bytes >= this.opts.maxBufferBytes) return false;
    return !this.idle || now - this.lastReadAt >= this.opts.pollMs;
  }

  async read(): Promise<void> {
    this.reading = true;
    const generation = this.generation;
    const from = this.readPos;
    this.lastReadAt = this.opts.now();
    try {
      // The tail's range is committed, so it needs no head query; whatever lies beyond it is the log's to tell.
      const cached = this.opts.tail?.read(from, this.opts.end ?? Infinity, this.query, this.opts.chunk, this);
      if (cached) {
        this.accept(cached.events, cached.scannedTo, cached.scannedTo >= this.opts.tail!.end!, cached.sizes);
        return;
      }
      const head = await this.opts.log.head();
      const to = this.opts.end === undefined ? head : Math.min(this.opts.end, head);
      if (to <= from) {
        this.idle = true;
        return;
      }
      const read = await this.reader.read(from, to, this.opts.chunk);
      if (generation !== this.generation) return;
      this.accept(read.events, read.scannedTo, read.scannedTo >= to, read.sizes);
    } catch (err) {
      // Retry after the poll interval rather than hammering a failing database.
      this.idle = true;
      throw err;
    } finally {
      this.reading = false;
    }
  }

  /** Buffers what a read found in (readPos, scannedTo]; `reachedEnd`: nothing more is known to exist yet. */
  private accept(events: StoredEvent[], scannedTo: number, reachedEnd: boolean, sizes?: readonly number[]): void {
    this.idle = reachedEnd && this.opts.end === undefined;
    if (events.length > 0) this.buffer.push(events, this.opts.now(), sizes);
    this.readPos = scannedTo;
    // Nothing buffered: the scanned range held nothing for us, so it is settled as it stands.
    if (this.buffer.length === 0) this.commit(this.window.skip(scannedTo));
  }

  dueAt(flushMs: number): number | undefined {
    const oldest = this.buffer.oldestReadAt;
    return oldest === undefined ? undefined : oldest + flushMs;
  }

  take(now: number, limits: BatchLimits, flushMs: number): Batch | undefined {
    if (this.buffer.length === 0) return undefined;
    const cut = this.buffer.cut(limits);
    if (!cut.full) {
      // A bounded replay whose end is read has nothing more coming: no point waiting.
      const endReached = this.opts.end !== undefined && this.readPos >= this.opts.end;
      if (!endReached && this.buffer.oldestReadAt! + flushMs > now) return undefined;
    }
    const { events, bytes } = this.buffer.take(cut.count);
    // The batch that empties the buffer also covers the scanned range after its last event.
    const end = this.buffer.length === 0 ? this.readPos : events[events.length - 1].seq;
    const batch: LogBatch = { events, bytes, oversize: cut.oversize, stream: this, slot: this.window.reserve(end) };
    return batch;
  }

  deadLetter(items: DeadLetterItem[]): Promise<void> {
    return this.opts.deadLetter(items);
  }

  async finish(batch: Batch, _delivered: readonly StoredEvent[]): Promise<void> {
    this.commit(this.window.complete((batch as LogBatch).slot));
  }

  private commit(position: number | undefined): void {
    if (position !== undefined) this.opts.onCommit(position);
  }
}
