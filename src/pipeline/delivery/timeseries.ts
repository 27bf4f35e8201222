/**
 * A destination's chart series: the per-minute counters of the last hour (one point a minute) or day (one point
 * per 5 minutes), every step present (zeros where nothing happened). Counters of a step are summed; its p50 is
 * the delivered-weighted mean of its minutes' p50s and its p99 the largest of their p99s (the minutes'
 * histograms are not kept, so an exact quantile over several minutes cannot be had).
 */
import type { MinuteRow } from './minute-counters.ts';

export const TIMESERIES_WINDOWS = {
  '1h': { spanMs: 3_600_000, stepMs: 60_000 },
  '24h': { spanMs: 86_400_000, stepMs: 300_000 },
} as const;
export type TimeseriesWindow = keyof typeof TIMESERIES_WINDOWS;

export interface TimeseriesPoint {
  /** The step's start, epoch ms. */
  t: number;
  delivered: number;
  failed: number;
  retried: number;
  deadLettered: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

export interface Timeseries {
  from: number;
  to: number;
  stepMs: number;
  points: TimeseriesPoint[];
}

/** [from, to) of a window ending with the step that holds `now`. */
export function windowRange(window: TimeseriesWindow, now: number): { from: number; to: number; stepMs: number } {
  const { spanMs, stepMs } = TIMESERIES_WINDOWS[window];
  const to = Math.floor(now / stepMs) * stepMs + stepMs;
  return { from: to - spanMs, to, stepMs };
}

export function toTimeseries(rows: readonly MinuteRow[], range: { from: number; to: number; stepMs: number }): Timeseries {
  const { from, to, stepMs } = range;
  const steps = Math.round((to - from) / stepMs);
  const points: TimeseriesPoint[] = [];
  const weights: { sum: number; weight: number }[] = [];
  for (let i = 0; i < steps; i++) {
    points.push({ t: from + i * stepMs, delivered: 0, failed: 0, retried: 0, deadLettered: 0, latencyP50Ms: null, latencyP99Ms: null });
    weights.push({ sum: 0, weight: 0 });
  }
  for (const r of rows) {
    const i = Math.floor((r.minute - from) / stepMs);
    if (i < 0 || i >= steps) continue;
    const p = points[i];
    p.delivered += r.delivered;
    p.failed += r.failed;
    p.retried += r.retried;
    p.deadLettered += r.deadLettered;
    if (r.latencyP50Ms !== null) {
      const w = Math.max(1, r.delivered);
      weights[i].sum += r.latencyP50Ms * w;
      weights[i].weight += w;
    }
    if (r.latencyP99Ms !== null) p.latencyP99Ms = Math.max(p.latencyP99Ms ?? 0, r.latencyP99Ms);
  }
  for (let i = 0; i < steps; i++) if (weights[i].weight > 0) points[i].latencyP50Ms = Math.round(weights[i].sum / weights[i].weight);
  return { from, to, stepMs, points };
}
