/**
 * Required test 6: one destination hangs (its SIEM never answers within the 10 s timeout); another destination's
 * delivery latency stays in its normal range, and publishing is not slowed either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from './collector.ts';
import { authEvents, httpConfig, startDeliveryHarness, type DeliveryHarness } from './harness.ts';

describe('isolation between destinations', () => {
  let h: DeliveryHarness;
  let hanging: Collector;
  let healthy: Collector;

  beforeAll(async () => {
    h = await startDeliveryHarness({ flushIntervalMs: 50 });
    [hanging, healthy] = await Promise.all([startCollector(), startCollector()]);
    hanging.respond = () => ({ status: 200, hang: true });
  });
  afterAll(async () => {
    await h?.dispose();
    await Promise.all([hanging?.close(), healthy?.close()]);
  });

  /** Publishes `rounds` × 20 events, one round every 100 ms; returns publish times by uid and 202 latencies. */
  async function publishRounds(rounds: number) {
    const publishedAt = new Map<string, number>();
    const answerMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const events = authEvents(20);
      const t0 = Date.now();
      for (const e of events) publishedAt.set(e.metadata.uid, t0);
      await h.publish(events);
      answerMs.push(Date.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { publishedAt, answerMs };
  }

  function latencies(publishedAt: Map<string, number>): number[] {
    const out: number[] = [];
    for (const r of healthy.requests()) for (const uid of r.uids) if (publishedAt.has(uid)) out.push(r.at - publishedAt.get(uid)!);
    return out.sort((a, b) => a - b);
  }

  it("keeps the healthy destination's latency normal while the other hangs", async () => {
    await h.createConfig({ connector_type: 'http', name: 'healthy', config: httpConfig(healthy.url) });
    const baseline = await publishRounds(5);
    await healthy.waitForUnique(100);
    const normal = latencies(baseline.publishedAt);

    await h.createConfig({ connector_type: 'http', name: 'hangs', config: httpConfig(hanging.url, { timeout_ms: 10_000 }) });
    const loaded = await publishRounds(15);
    await healthy.waitForUnique(400);
    const withHang = latencies(loaded.publishedAt);

    // The hanging destination really was hanging all along: requests open, none answered.
    expect(hanging.requests().length).toBeGreaterThanOrEqual(1);
    expect(hanging.requests().every((r) => r.status === 0)).toBe(true);
    expect(withHang).toHaveLength(300);
    const max = (xs: number[]) => xs[xs.length - 1];
    console.log(`isolation: healthy destination latency max ${max(normal)} ms alone, ${max(withHang)} ms beside a hanging one; publish 202 max ${Math.max(...loaded.answerMs)} ms`);
    // Normal range: the flush interval (50 ms) plus scheduling, far below the 10 s the other destination hangs.
    expect(max(withHang)).toBeLessThan(Math.max(500, max(normal) * 3));
    expect(Math.max(...loaded.answerMs)).toBeLessThan(500);
  });
});
