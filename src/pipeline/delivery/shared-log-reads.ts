/**
 * Log reads shared by streams with the same query. Destinations that select the same events (organisation,
 * classes, minimum severity) and are behind the in-memory tail — a backlog, or fan-out falling behind a burst —
 * would each read the same rows; here the first one to need a range reads it from the log once and the others
 * take it from memory. One SharedLogReads per engine; each stream attaches with its query.
 *
 * Per query a SeqWindow (start, end] holding every event of that query in the range. Complete by construction:
 * it is only extended by a log read of (end, to] with `to` at most the log's gap-safe head, which returns every
 * matching event there (a full chunk: every one up to its last event). One extension at a time per query; the
 * other readers wait for it and look again. A reader at `end` extends the window, a reader ahead of it moves it
 * to its own position, a reader behind its start reads the log by itself: the window only moves forward, so two
 * groups of readers far apart cannot make it thrash.
 * A window exists only while two or more streams hold the query: a lone reader reads the log directly.
 */
import type { EventLog, LogQuery, StoredEvent } from '../../store/event-log.ts';
import { SeqWindow } from './seq-window.ts';

/** Per query: a few read chunks, so readers a chunk or two apart still find theirs. */
export const DEFAULT_SHARED_WINDOW_BYTES = 16 * 1024 * 1024;

export interface RangeRead {
  /** The query's events in (afterSeq, scannedTo], in seq order. */
  events: StoredEvent[];
  /** Their UTF-8 JSON sizes, when already measured. */
  sizes?: number[];
  scannedTo: number;
}

export interface SharedReader {
  /** The query's events after `afterSeq` up to `to` (at most the log's head), at most `limit`. */
  read(afterSeq: number, to: number, limit: number): Promise<RangeRead>;
  /** The stream is done with this query. */
  release(): void;
}

interface QueryGroup {
  query: LogQuery;
  users: number;
  window?: SeqWindow;
  extending?: Promise<void>;
}

export class SharedLogReads {
  private readonly groups = new Map<string, QueryGroup>();

  constructor(
    private readonly log: EventLog,
    private readonly maxWindowBytes = DEFAULT_SHARED_WINDOW_BYTES,
  ) {}

  /** Windows held now (tests, introspection). */
  get windows(): number {
    let n = 0;
    for (const g of this.groups.values()) if (g.window) n++;
    return n;
  }

  attach(query: LogQuery): SharedReader {
    const key = JSON.stringify([query.orgId ?? null, query.classUids ?? null, query.minSeverity ?? null]);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { query, users: 0 }));
    group.users++;
    const g = group;
    let released = false;
    return {
      read: (afterSeq, to, limit) => this.read(g, afterSeq, to, limit),
      release: () => {
        if (released) return;
        released = true;
        g.users--;
        // Nothing left to share: free the memory.
        if (g.users < 2) g.window = undefined;
        if (g.users === 0 && this.groups.get(key) === g) this.groups.delete(key);
      },
    };
  }

  private async read(g: QueryGroup, afterSeq: number, to: number, limit: number): Promise<RangeRead> {
    for (;;) {
      if (g.users < 2) return this.direct(g.query, afterSeq, to, limit);
      if (g.extending) {
        await g.extending;
        continue;
      }
      const w = (g.window ??= new SeqWindow(this.maxWindowBytes, afterSeq));
      if (afterSeq < w.start) return this.direct(g.query, afterSeq, to, limit);
      if (afterSeq > w.end) w.reset(afterSeq);
      const held = w.read(afterSeq, to, limit);
      if (held || to <= afterSeq) return held ?? { events: [], scannedTo: afterSeq };
      // afterSeq is the window's end: read on, once for everyone waiting here.
      g.extending = this.extend(g.query, w, to, limit).finally(() => (g.extending = undefined));
    }
  }

  private async extend(query: LogQuery, w: SeqWindow, to: number, limit: number): Promise<void> {
    const read = await this.direct(query, w.end, to, limit);
    w.extend(read.events, read.scannedTo);
  }

  private async direct(query: LogQuery, afterSeq: number, to: number, limit: number): Promise<RangeRead> {
    const events = await this.log.read({ ...query, afterSeq, toSeq: to, limit });
    // Fewer than asked: the whole range up to `to` is scanned. A full chunk: scanned up to its last event.
    return { events, scannedTo: events.length < limit ? to : events[events.length - 1].seq };
  }
}
