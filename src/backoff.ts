/**
 * Retry delays (a destination's retries, the PostgreSQL listener's reconnects): exponential backoff with FULL
 * JITTER (AWS Architecture Blog, "Exponential Backoff And Jitter"): the delay before retry n is uniformly random
 * in [0, min(cap, initial · 2^(n-1))].
 * Full jitter spreads the retries of many destinations hitting one recovering SIEM instead of synchronising them.
 *
 * With the defaults (initial 1 s, cap 5 min), the ceiling per consecutive failure:
 *
 * | failure # | 1   | 2   | 3   | 4   | 5    | 6    | 7    | 8     | 9     | 10+   |
 * |-----------|-----|-----|-----|-----|------|------|------|-------|-------|-------|
 * | ceiling   | 1 s | 2 s | 4 s | 8 s | 16 s | 32 s | 64 s | 128 s | 256 s | 300 s |
 *
 * `Retry-After` (already parsed and capped at 1 h by connectors/shared/classify.ts) is a floor: the delay is
 * max(hint, jittered), so a receiver that asks for 3 s never hears from us sooner. Retries go on until the events
 * are older than the retention (worker), so there is no attempt limit here.
 */

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 300_000 };

/** The upper bound of the delay after `failures` consecutive failures (failures >= 1). */
export function backoffCeiling(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, failures - 1);
  // 2^30 already exceeds any sane cap; avoid Infinity for absurd failure counts.
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(exponent, 30));
}

/**
 * The delay before the next attempt. `random` returns [0, 1) (Math.random in production; tests pin it to make
 * timing deterministic).
 */
export function retryDelay(
  failures: number,
  opts: { policy?: BackoffPolicy; random?: () => number; retryAfterMs?: number } = {},
): number {
  const jittered = Math.floor((opts.random ?? Math.random)() * backoffCeiling(failures, opts.policy));
  return Math.max(jittered, opts.retryAfterMs ?? 0);
}
