/**
 * Coalesces cursor moves of all destinations into one transaction every `intervalMs` (one commit, one fsync on
 * SQLite), instead of one write per acked batch. A crash loses at most the last interval's moves, and those
 * events are simply delivered again (at-least-once; receivers de-duplicate by metadata.uid).
 */
import type { CursorRepo, CursorWrite } from './cursor-repo.ts';

export interface CursorWriterOptions {
  intervalMs: number;
  now: () => number;
  /** Destinations whose write was fenced off (their lease moved to another instance). */
  onFenced(destinationIds: string[]): void;
  onError(err: unknown): void;
}

export class CursorWriter {
  private pending = new Map<string, CursorWrite>();
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: CursorRepo,
    private readonly opts: CursorWriterOptions,
  ) {}

  schedule(destinationId: string, position: number, fence: number | null): void {
    this.pending.set(destinationId, { destinationId, position, fence });
    if (!this.timer && !this.writing) this.timer = setTimeout(() => void this.flush().catch(this.opts.onError), this.opts.intervalMs);
  }

  /** Forgets a destination's unwritten move (it is being deleted or disabled). */
  discard(destinationId: string): void {
    this.pending.delete(destinationId);
  }

  /** Writes everything scheduled so far (waits for a write already running first). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.writing) await this.writing.catch(() => {});
    if (this.pending.size === 0) return;
    const writes = [...this.pending.values()];
    this.pending = new Map();
    this.writing = (async () => {
      try {
        const fenced = await this.repo.save(writes, this.opts.now());
        if (fenced.length > 0) this.opts.onFenced(fenced);
      } catch (err) {
        // Put them back unless a newer move arrived meanwhile; the next flush retries.
        for (const w of writes) if (!this.pending.has(w.destinationId)) this.pending.set(w.destinationId, w);
        throw err;
      } finally {
        this.writing = undefined;
        if (this.pending.size > 0 && !this.timer) {
          this.timer = setTimeout(() => void this.flush().catch(this.opts.onError), this.opts.intervalMs);
        }
      }
    })();
    await this.writing;
  }

  /** Final write; no timer remains. */
  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
