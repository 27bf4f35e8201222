/**
 * One destination's delivery counters per minute, kept in memory between flushes (DestinationHealth) and added
 * to delivery_minutes by each flush: the charts' time series. Recording is a map lookup and an addition; the
 * latency quantiles of a minute come from a histogram of that whole minute, so a minute's p50/p99 cover all of
 * its events, whichever flush wrote them last.
 */
import { LatencyTracker } from './latency-tracker.ts';

export const MINUTE_MS = 60_000;
/** How long minutes are kept: a day, plus an hour so the 24 h chart's oldest minutes are never half pruned. */
export const MINUTE_RETENTION_MS = 25 * 3_600_000;

export interface MinuteRow {
  /** The minute's start, epoch ms. */
  minute: number;
  delivered: number;
  failed: number;
  retried: number;
  deadLettered: number;
  /** The minute's quantiles so far (null: nothing delivered live in it yet). */
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

export type MinuteCounter = 'delivered' | 'failed' | 'retried' | 'deadLettered';

interface Minute {
  counts: Record<MinuteCounter, number>;
  latency?: LatencyTracker;
  latencyChanged: boolean;
}

const emptyCounts = (): Record<MinuteCounter, number> => ({ delivered: 0, failed: 0, retried: 0, deadLettered: 0 });

export class MinuteCounters {
  private readonly minutes = new Map<number, Minute>();

  constructor(private readonly now: () => number) {}

  count(counter: MinuteCounter, events: number): void {
    if (events > 0) this.current().counts[counter] += events;
  }

  latency(ms: number, events: number): void {
    const m = this.current();
    // One histogram per minute, never rotated: the window is the minute itself.
    m.latency ??= new LatencyTracker(this.now, Number.POSITIVE_INFINITY);
    m.latency.record(ms, events);
    m.latencyChanged = true;
  }

  /** What changed since the last take, per minute; minutes that are over are forgotten once taken. */
  take(): MinuteRow[] {
    const rows: MinuteRow[] = [];
    const currentMinute = minuteOf(this.now());
    for (const [minute, m] of this.minutes) {
      const c = m.counts;
      if (c.delivered + c.failed + c.retried + c.deadLettered > 0 || m.latencyChanged) {
        rows.push({
          minute,
          ...c,
          latencyP50Ms: m.latencyChanged && m.latency ? m.latency.quantile(0.5) : null,
          latencyP99Ms: m.latencyChanged && m.latency ? m.latency.quantile(0.99) : null,
        });
      }
      m.counts = emptyCounts();
      m.latencyChanged = false;
      if (minute < currentMinute) this.minutes.delete(minute);
    }
    return rows;
  }

  /** Rows that could not be written: counted again in the next take. */
  restore(rows: readonly MinuteRow[]): void {
    for (const r of rows) {
      let m = this.minutes.get(r.minute);
      if (!m) this.minutes.set(r.minute, (m = { counts: emptyCounts(), latencyChanged: false }));
      for (const k of ['delivered', 'failed', 'retried', 'deadLettered'] as const) m.counts[k] += r[k];
      // A minute that is over has no histogram left: its quantiles are lost with the failed write (the counts are not).
      if (r.latencyP50Ms !== null && m.latency) m.latencyChanged = true;
    }
  }

  private current(): Minute {
    const minute = minuteOf(this.now());
    let m = this.minutes.get(minute);
    if (!m) this.minutes.set(minute, (m = { counts: emptyCounts(), latencyChanged: false }));
    return m;
  }
}

export const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
