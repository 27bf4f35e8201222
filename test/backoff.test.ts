import { describe, expect, it } from 'vitest';
import { backoffCeiling, DEFAULT_BACKOFF, retryDelay } from '../src/backoff.ts';

describe('backoff', () => {
  it('doubles from 1 s up to the 5 min cap (the documented table)', () => {
    const table = Array.from({ length: 11 }, (_, i) => backoffCeiling(i + 1) / 1000);
    expect(table).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    expect(backoffCeiling(10_000)).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it('jitters uniformly between 0 and the ceiling (full jitter)', () => {
    expect(retryDelay(4, { random: () => 0 })).toBe(0);
    expect(retryDelay(4, { random: () => 0.5 })).toBe(4000);
    expect(retryDelay(4, { random: () => 0.999999 })).toBe(7999);
  });

  it('never retries sooner than Retry-After asks', () => {
    expect(retryDelay(1, { random: () => 0.1, retryAfterMs: 3000 })).toBe(3000);
    // A hint shorter than the jittered delay does not shorten it.
    expect(retryDelay(6, { random: () => 0.5, retryAfterMs: 1000 })).toBe(16_000);
  });

  it('respects a custom policy', () => {
    expect(retryDelay(3, { policy: { initialMs: 100, maxMs: 250 }, random: () => 0.999 })).toBe(249);
  });
});
