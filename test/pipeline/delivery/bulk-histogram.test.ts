import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BulkHistogram } from '../../../src/pipeline/delivery/bulk-histogram.ts';
import { LATENCY_BUCKETS_SECONDS } from '../../../src/pipeline/delivery/delivery-metrics.ts';
import { LatencyTracker } from '../../../src/pipeline/delivery/latency-tracker.ts';

const NAME = 'siemstream_delivery_latency_seconds';

describe('BulkHistogram', () => {
  it('property: exposes exactly what prom-client’s Histogram exposes for the same observations', async () => {
    const observation = fc.record({ dest: fc.constantFrom('a', 'registry:x"y'), value: fc.double({ min: 0, max: 5000, noNaN: true }), count: fc.integer({ min: 1, max: 50 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 40 }), async (observations) => {
        const reference = new Registry();
        const bulk = new Registry();
        const ref = new Histogram({ name: NAME, help: 'h', labelNames: ['destination'], buckets: LATENCY_BUCKETS_SECONDS, registers: [reference] });
        const mine = new BulkHistogram(NAME, 'h', 'destination', LATENCY_BUCKETS_SECONDS, bulk);
        for (const o of observations) {
          for (let i = 0; i < o.count; i++) ref.labels({ destination: o.dest }).observe(o.value);
          mine.labels(o.dest).observe(o.value, o.count);
        }
        // Sums may differ in the last float digits (v * count vs count additions): compare them numerically.
        const split = (text: string) => text.split('\n').filter((l) => !l.includes('_sum'));
        const sums = (text: string) => text.split('\n').filter((l) => l.includes('_sum')).map((l) => Number(l.split(' ').pop()));
        const [r, m] = [await reference.metrics(), await bulk.metrics()];
        expect(split(m)).toEqual(split(r));
        const [rs, ms] = [sums(r), sums(m)];
        expect(ms.length).toBe(rs.length);
        ms.forEach((s, i) => expect(s).toBeCloseTo(rs[i], 6));
      }),
      { numRuns: 100 },
    );
  });

  it('drops a removed series and starts it afresh; reset clears all', async () => {
    const registry = new Registry();
    const h = new BulkHistogram(NAME, 'h', 'destination', [1, 2], registry);
    const a = h.labels('a');
    a.observe(0.5, 3);
    h.labels('b').observe(3);
    h.remove('a');
    expect(await registry.metrics()).not.toContain('destination="a"');
    a.observe(1.5);
    expect(await registry.metrics()).toContain(`${NAME}_count{destination="a"} 1`);
    a.observe(Number.NaN);
    expect(await registry.metrics()).toContain(`${NAME}_count{destination="a"} 1`);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('destination=');
  });
});

describe('LatencyTracker', () => {
  it('records a run of events at once exactly like one by one', () => {
    const now = () => 0;
    const one = new LatencyTracker(now);
    const many = new LatencyTracker(now);
    for (const [ms, n] of [[12, 700], [40, 36], [3000, 5]] as const) {
      for (let i = 0; i < n; i++) one.record(ms);
      many.record(ms, n);
    }
    for (const q of [0.5, 0.9, 0.99, 1]) expect(many.quantile(q)).toBe(one.quantile(q));
    expect(many.lastMs).toBe(one.lastMs);
  });
});
