/**
 * A delivery stream feeds one destination's worker with batches. Three kinds share the worker's in-flight slots
 * and its gate: the live stream (from the cursor onwards), replay windows (a bounded log range, beside the live
 * cursor), and dead-letter replays. Each decides what "settled" means for it: the live stream advances the cursor,
 * a replay window its own position, a dead-letter replay marks rows replayed.
 */
import type { StoredEvent } from '../../store/event-log.ts';
import type { BatchLimits } from './batching.ts';
import type { DeadLetterItem } from './dead-letter-repo.ts';

export interface Batch {
  events: StoredEvent[];
  /** JSON bytes of the events. */
  bytes: number;
  /** One event over the connector's maxEventBytes: dead-lettered without sending. */
  oversize: boolean;
  stream: DeliveryStream;
}

export interface DeliveryStream {
  /** For logs: 'live', 'replay:<id>', 'dead-letters'. */
  readonly name: string;
  /** Only the live stream's deliveries count towards publish → ack latency. */
  readonly kind: 'live' | 'replay' | 'dead-letters';
  /**
   * Epoch ms from which the retention runs for an event's retries: its publish time for the log's streams, the
   * replay request for a dead letter (an old dead letter replayed today deserves a full retention of retries).
   */
  retriesSince(event: StoredEvent): number;
  /** Whether a read should start now (buffer low, none running, something may be new). */
  wantsRead(now: number): boolean;
  /** Reads ahead into the buffer. Never runs twice at once (the worker checks wantsRead). */
  read(): Promise<void>;
  /** The next batch if one is ready: full, or partial and past the flush deadline. */
  take(now: number, limits: BatchLimits, flushMs: number): Batch | undefined;
  /** When the waiting partial batch becomes due (epoch ms), if one waits. */
  dueAt(flushMs: number): number | undefined;
  /** Something may be new (events appended, replay requested): read again without waiting for the poll. */
  nudge(): void;
  /** Stores events this stream gives up on. Awaited before `finish`, so they are safe before positions move. */
  deadLetter(items: DeadLetterItem[]): Promise<void>;
  /** Every event of the batch is delivered (`delivered`) or dead-lettered. */
  finish(batch: Batch, delivered: readonly StoredEvent[]): Promise<void>;
  /** Nothing left to do, ever (a completed replay). */
  readonly done: boolean;
}
