/**
 * Recent publish → acknowledgement latency of one destination, for p50/p99 in GET …/stats. Counts per
 * log-spaced bucket (10 % wide), so recording is an array increment and quantiles are within 10 %.
 * Two generations of `windowMs` each: the figures cover the last one to two windows, so they follow the present
 * rather than averaging over the service's lifetime.
 */
const GROWTH = Math.log(1.1);
/** Buckets up to ~1.1^240 ms ≈ 9 years: anything a retention allows. */
const BUCKETS = 240;

function bucketOf(ms: number): number {
  return ms <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms) / GROWTH));
}

function upperBoundOf(bucket: number): number {
  return bucket === 0 ? 1 : Math.round(Math.exp(bucket * GROWTH));
}

export class LatencyTracker {
  private current = new Float64Array(BUCKETS);
  private previous = new Float64Array(BUCKETS);
  private rotatedAt: number;
  private last: number | null = null;

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 60_000,
  ) {
    this.rotatedAt = now();
  }

  /** Latest single latency recorded (ms). */
  get lastMs(): number | null {
    return this.last;
  }

  /** Records `count` events (default 1) with this latency. */
  record(latencyMs: number, count = 1): void {
    this.rotate();
    const ms = Math.max(0, latencyMs);
    this.current[bucketOf(ms)] += count;
    this.last = Math.round(ms);
  }

  /** The q-quantile (0..1) in ms over the recent windows; null when nothing was recorded. */
  quantile(q: number): number | null {
    this.rotate();
    let total = 0;
    for (let i = 0; i < BUCKETS; i++) total += this.current[i] + this.previous[i];
    if (total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.current[i] + this.previous[i];
      if (seen >= rank) return upperBoundOf(i);
    }
    return upperBoundOf(BUCKETS - 1);
  }

  private rotate(): void {
    const now = this.now();
    if (now - this.rotatedAt < this.windowMs) return;
    // More than two windows idle: both generations are stale.
    if (now - this.rotatedAt >= 2 * this.windowMs) this.previous = new Float64Array(BUCKETS);
    else this.previous = this.current;
    this.current = new Float64Array(BUCKETS);
    this.rotatedAt = now;
  }
}
