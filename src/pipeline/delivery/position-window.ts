/**
 * Cursor contiguity. Batches of one stream are handed out in log order but finish in any order (several are in
 * flight). The committed position may only move over a CONTIGUOUS prefix of finished batches: if batch 2 is acked
 * while batch 1 is still retrying, a crash must not lose batch 1, so the position stays at batch 1's start.
 *
 * Each slot covers the log range (previous slot's end, end]; ends are non-decreasing. A slot may also stand for a
 * range that held no event for this destination (filtered out), which is "done" at once.
 */
export interface WindowSlot {
  readonly end: number;
  done: boolean;
}

export class PositionWindow {
  private slots: WindowSlot[] = [];
  private head = 0;
  private committedPosition: number;
  private lastEnd: number;

  constructor(committed: number) {
    this.committedPosition = committed;
    this.lastEnd = committed;
  }

  /** Everything up to here is delivered or dead-lettered. */
  get committed(): number {
    return this.committedPosition;
  }

  /** The end of the last range handed out (where reading resumes after a reset). */
  get handedOutTo(): number {
    return this.lastEnd;
  }

  /** Slots not yet committed (in flight, or finished behind an unfinished one). */
  get pending(): number {
    return this.slots.length - this.head;
  }

  /** Hands out the range (handedOutTo, end] for a batch. */
  reserve(end: number): WindowSlot {
    if (end < this.lastEnd) throw new Error(`window ends must not decrease (${end} < ${this.lastEnd})`);
    const slot: WindowSlot = { end, done: false };
    this.slots.push(slot);
    this.lastEnd = end;
    return slot;
  }

  /** Marks a slot finished; returns the new committed position when it moved. */
  complete(slot: WindowSlot): number | undefined {
    slot.done = true;
    return this.advance();
  }

  /** A range without events for this destination: done at once. Returns the new committed position when it moved. */
  skip(end: number): number | undefined {
    if (end <= this.lastEnd) return undefined;
    return this.complete(this.reserve(end));
  }

  private advance(): number | undefined {
    const before = this.committedPosition;
    while (this.head < this.slots.length && this.slots[this.head].done) {
      this.committedPosition = this.slots[this.head].end;
      this.head++;
    }
    // Drop consumed slots now and then rather than shifting the array on every batch.
    if (this.head > 64 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
    return this.committedPosition !== before ? this.committedPosition : undefined;
  }
}
