/**
 * Cutting batches out of a destination's read-ahead buffer. A batch holds at most `batch_size` events (and the
 * connector's maxEventsPerRequest), and at most the connector's maxRequestBytes, estimated as the events' JSON
 * bytes plus a per-event overhead for the wire envelope (Splunk's {"event":…}, an Elasticsearch action line,
 * NDJSON newlines). The estimate is deliberately generous; a receiver that still answers 413 makes the worker
 * split the batch in halves.
 */
import type { ConnectorLimits } from '../../connectors/shared/types.ts';
import type { StoredEvent } from '../../store/event-log.ts';

/** Envelope bytes per event on top of its JSON: covers every encoder's per-event framing (the largest is ~200). */
export const PER_EVENT_OVERHEAD_BYTES = 256;

export interface BatchLimits {
  maxEvents: number;
  maxRequestBytes: number;
  maxEventBytes: number;
  perEventOverheadBytes: number;
}

export function batchLimits(batchSize: number, limits: ConnectorLimits): BatchLimits {
  return {
    maxEvents: Math.max(1, Math.min(batchSize, limits.maxEventsPerRequest)),
    maxRequestBytes: limits.maxRequestBytes,
    maxEventBytes: limits.maxEventBytes,
    perEventOverheadBytes: PER_EVENT_OVERHEAD_BYTES,
  };
}

export interface Cut {
  /** Events in the next batch (>= 1 when any are available). */
  count: number;
  /** A limit was reached: send now rather than wait for more events. */
  full: boolean;
  /** The batch is one event larger than maxEventBytes: dead-letter it without sending. */
  oversize: boolean;
}

/** The next batch from sizes[from, to): event byte sizes in log order. */
export function cutBatch(sizes: readonly number[], from: number, to: number, limits: BatchLimits): Cut {
  if (from >= to) return { count: 0, full: false, oversize: false };
  if (sizes[from] > limits.maxEventBytes) return { count: 1, full: true, oversize: true };
  let bytes = 0;
  let i = from;
  for (; i < to && i - from < limits.maxEvents; i++) {
    const size = sizes[i];
    // An oversize event ends the batch before it; it becomes its own (dead-letter) batch next.
    if (size > limits.maxEventBytes) return { count: i - from, full: true, oversize: false };
    const next = bytes + size + limits.perEventOverheadBytes;
    // Always take at least one event: a lone event over the request budget is for the receiver to judge (413 → DL).
    if (next > limits.maxRequestBytes && i > from) return { count: i - from, full: true, oversize: false };
    bytes = next;
  }
  return { count: i - from, full: i - from >= limits.maxEvents || bytes >= limits.maxRequestBytes, oversize: false };
}

/**
 * The read-ahead buffer: events in log order with their byte sizes and the time each was read (the flush deadline
 * of a partial batch runs from its first event's read time). Parallel arrays with a moving head: no per-event
 * objects beyond the events themselves.
 */
export class EventBuffer {
  private events: StoredEvent[] = [];
  private sizes: number[] = [];
  private readAt: number[] = [];
  private head = 0;
  private byteTotal = 0;

  get length(): number {
    return this.events.length - this.head;
  }

  get bytes(): number {
    return this.byteTotal;
  }

  /** Read time of the oldest buffered event. */
  get oldestReadAt(): number | undefined {
    return this.length > 0 ? this.readAt[this.head] : undefined;
  }

  /** `sizes`: the events' UTF-8 JSON byte lengths when already known (the shared tail measured them once). */
  push(events: readonly StoredEvent[], now: number, sizes?: readonly number[]): void {
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const size = sizes ? sizes[i] : Buffer.byteLength(e.json);
      this.events.push(e);
      this.sizes.push(size);
      this.readAt.push(now);
      this.byteTotal += size;
    }
  }

  cut(limits: BatchLimits): Cut {
    return cutBatch(this.sizes, this.head, this.events.length, limits);
  }

  /** Removes and returns the first `count` events with their total JSON bytes. */
  take(count: number): { events: StoredEvent[]; bytes: number } {
    const end = this.head + count;
    const events = this.events.slice(this.head, end);
    let bytes = 0;
    for (let i = this.head; i < end; i++) bytes += this.sizes[i];
    this.head = end;
    this.byteTotal -= bytes;
    if (this.head === this.events.length) this.clear();
    else if (this.head > 4096 && this.head * 2 > this.events.length) this.compact();
    return { events, bytes };
  }

  clear(): void {
    this.events = [];
    this.sizes = [];
    this.readAt = [];
    this.head = 0;
    this.byteTotal = 0;
  }

  private compact(): void {
    this.events = this.events.slice(this.head);
    this.sizes = this.sizes.slice(this.head);
    this.readAt = this.readAt.slice(this.head);
    this.head = 0;
  }
}
