/**
 * A window on the event log kept in memory: the events of ONE contiguous seq range (start, end] that its
 * source selects — all of them, none missing — in seq order, with their UTF-8 JSON sizes. Bounded by bytes:
 * the oldest events go first and `start` moves up to the last one dropped, so the range stays complete.
 * Filled by the in-memory tail (event-tail.ts, every event appended here) and by shared log reads
 * (shared-log-reads.ts, one query's events).
 */
import type { StoredEvent } from '../../store/event-log.ts';

/** The event object, its uid and the array slots, on top of the JSON text. */
const PER_EVENT_OVERHEAD_BYTES = 160;

export interface WindowRead {
  /** Matching events in seq order. */
  events: StoredEvent[];
  /** UTF-8 byte length of each event's JSON (parallel to `events`). */
  sizes: number[];
  /** Everything up to here was looked at: the last event's seq when `limit` was reached, else the read's end. */
  scannedTo: number;
}

export class SeqWindow {
  /** Parallel arrays with a moving head. */
  private events: StoredEvent[] = [];
  private sizes: number[] = [];
  private head = 0;
  private startSeq: number;
  private endSeq: number;
  private byteTotal = 0;

  constructor(
    private readonly maxBytes: number,
    at: number,
  ) {
    this.startSeq = at;
    this.endSeq = at;
  }

  /** Exclusive lower bound of the range held. */
  get start(): number {
    return this.startSeq;
  }

  /** Inclusive upper bound of the range held. */
  get end(): number {
    return this.endSeq;
  }

  get length(): number {
    return this.events.length - this.head;
  }

  get bytes(): number {
    return this.byteTotal;
  }

  /** Empty at `seq`. */
  reset(seq: number): void {
    this.events = [];
    this.sizes = [];
    this.head = 0;
    this.byteTotal = 0;
    this.startSeq = seq;
    this.endSeq = seq;
  }

  /**
   * Extends the range to `end`: `events` are all the source's events in (this.end, end], in seq order.
   * `sizes`: their UTF-8 JSON sizes when known.
   */
  extend(events: readonly StoredEvent[], end: number, sizes?: readonly number[]): void {
    if (end < this.endSeq || (events.length > 0 && events[0].seq <= this.endSeq)) {
      throw new Error(`seq window: (${this.endSeq}, ${end}] does not continue (${this.startSeq}, ${this.endSeq}]`);
    }
    for (let i = 0; i < events.length; i++) {
      const size = sizes ? sizes[i] : Buffer.byteLength(events[i].json);
      this.events.push(events[i]);
      this.sizes.push(size);
      this.byteTotal += size + PER_EVENT_OVERHEAD_BYTES;
    }
    this.endSeq = end;
    this.evict();
  }

  /**
   * Events in (afterSeq, toSeq] that `matches` (all when undefined), at most `limit`. Undefined when the window
   * does not hold afterSeq + 1 onwards, or holds nothing after afterSeq.
   */
  read(afterSeq: number, toSeq: number, limit: number, matches?: (e: StoredEvent) => boolean): WindowRead | undefined {
    if (afterSeq < this.startSeq || afterSeq >= this.endSeq || toSeq <= afterSeq) return undefined;
    const last = Math.min(toSeq, this.endSeq);
    const events: StoredEvent[] = [];
    const sizes: number[] = [];
    for (let i = this.firstAfter(afterSeq); i < this.events.length; i++) {
      const e = this.events[i];
      if (e.seq > last) break;
      if (matches && !matches(e)) continue;
      events.push(e);
      sizes.push(this.sizes[i]);
      if (events.length >= limit) return { events, sizes, scannedTo: e.seq };
    }
    return { events, sizes, scannedTo: last };
  }

  /** Index of the first event with seq > afterSeq (binary search: a filtered window's seqs have gaps). */
  private firstAfter(afterSeq: number): number {
    let lo = this.head;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid].seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops the events up to `seq` (the range then starts there; nothing beyond `end`). */
  dropThrough(seq: number): void {
    const through = Math.min(seq, this.endSeq);
    if (through <= this.startSeq) return;
    while (this.head < this.events.length && this.events[this.head].seq <= through) this.dropOldest();
    this.startSeq = through;
    this.compact();
  }

  private evict(): void {
    while (this.byteTotal > this.maxBytes && this.head < this.events.length) this.dropOldest();
    this.compact();
  }

  private dropOldest(): void {
    this.byteTotal -= this.sizes[this.head] + PER_EVENT_OVERHEAD_BYTES;
    this.startSeq = this.events[this.head].seq;
    (this.events as (StoredEvent | undefined)[])[this.head] = undefined;
    this.head++;
  }

  private compact(): void {
    // Drop evicted slots now and then rather than shifting the arrays on every extension.
    if (this.head > 4096 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }
}
