/**
 * Re-delivery of dead letters an admin asked to replay (POST …/dead-letters/replay). Reads the queued rows in
 * log order, sends them through the destination's usual path (same gate, same outcomes), then marks delivered
 * rows `replayed_at`; a row that fails again keeps its place in the dead-letter store with the new reason.
 * One chunk at a time: the next read waits until the previous chunk is settled, so no row is sent twice.
 */
import type { StoredEvent } from '../../store/event-log.ts';
import { EventBuffer, type BatchLimits } from './batching.ts';
import { deadLetterEvent, type DeadLetterItem, type DeadLetterRepo } from './dead-letter-repo.ts';
import type { Batch, DeliveryStream } from './stream.ts';

const CHUNK = 1000;

export interface DeadLetterStreamOptions {
  destinationId: string;
  repo: DeadLetterRepo;
  now: () => number;
  /** Look for newly queued rows at least this often (requests made through another instance). */
  pollMs: number;
}

export class DeadLetterStream implements DeliveryStream {
  readonly name = 'dead-letters';
  readonly kind = 'dead-letters';
  readonly done = false;
  private readonly buffer = new EventBuffer();
  /** The dead-letter row of each event handed out, and when its replay was asked for. */
  private readonly rows = new Map<StoredEvent, { id: string; requestedAt: number }>();
  private inFlight = 0;
  private reading = false;
  /** Rows may be queued: set at start, by nudge(), and after a full chunk. */
  private requested = true;
  private lastReadAt = 0;

  constructor(private readonly opts: DeadLetterStreamOptions) {}

  nudge(): void {
    this.requested = true;
  }

  wantsRead(now: number): boolean {
    if (this.reading || this.buffer.length > 0 || this.inFlight > 0) return false;
    return this.requested || now - this.lastReadAt >= this.opts.pollMs;
  }

  async read(): Promise<void> {
    this.reading = true;
    this.requested = false;
    this.lastReadAt = this.opts.now();
    try {
      const rows = await this.opts.repo.pendingReplays(this.opts.destinationId, CHUNK);
      const events = rows.map((r) => {
        const e = deadLetterEvent(r);
        this.rows.set(e, { id: r.id, requestedAt: r.replayRequestedAt ?? this.opts.now() });
        return e;
      });
      this.buffer.push(events, this.opts.now());
      if (rows.length === CHUNK) this.requested = true;
    } finally {
      this.reading = false;
    }
  }

  dueAt(): number | undefined {
    // Queued dead letters go out at once: there is nothing to wait for.
    return this.buffer.length > 0 ? this.opts.now() : undefined;
  }

  take(_now: number, limits: BatchLimits): Batch | undefined {
    if (this.buffer.length === 0) return undefined;
    const cut = this.buffer.cut(limits);
    const { events, bytes } = this.buffer.take(cut.count);
    this.inFlight++;
    return { events, bytes, oversize: cut.oversize, stream: this };
  }

  retriesSince(event: StoredEvent): number {
    return this.rows.get(event)?.requestedAt ?? this.opts.now();
  }

  async deadLetter(items: DeadLetterItem[]): Promise<void> {
    await this.opts.repo.recordFailedReplay(
      items.map((it) => ({ id: this.rows.get(it.event)!.id, cause: it.cause, attempts: it.attempts })),
    );
    for (const it of items) this.rows.delete(it.event);
  }

  async finish(batch: Batch, delivered: readonly StoredEvent[]): Promise<void> {
    try {
      const ids: string[] = [];
      for (const e of delivered) {
        const row = this.rows.get(e);
        if (row) ids.push(row.id);
      }
      await this.opts.repo.markReplayed(ids, this.opts.now());
    } finally {
      for (const e of batch.events) this.rows.delete(e);
      this.inFlight--;
    }
  }
}
