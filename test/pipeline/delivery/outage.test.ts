/**
 * Required test 2: the receiver refuses connections for a while, then recovers → zero loss, and the attempts
 * during the outage back off (growing gaps). The outage is ~3.5 s instead of 20 s with a 200 ms initial backoff:
 * the same doubling schedule, compressed so the suite stays fast. Connections are reset at accept, so every
 * attempt is observable; the jitter is pinned to the top of its range to make the schedule deterministic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from './collector.ts';
import { authEvents, httpConfig, startDeliveryHarness, type DeliveryHarness } from './harness.ts';

describe('receiver outage', () => {
  let h: DeliveryHarness;
  let siem: Collector;

  beforeAll(async () => {
    h = await startDeliveryHarness({ random: () => 0.999, delivery: { backoff: { initialMs: 200, maxMs: 5000 } } });
    siem = await startCollector();
  });
  afterAll(async () => {
    await h?.dispose();
    await siem?.close();
  });

  it('loses nothing and backs off exponentially while the receiver is down', async () => {
    await h.createConfig({ connector_type: 'http', config: httpConfig(siem.url), batch_size: 100 });
    const before = authEvents(50);
    await h.publish(before);
    await siem.waitForUnique(50);

    siem.outage(true);
    const outageStart = Date.now();
    const during = authEvents(300);
    for (let i = 0; i < during.length; i += 100) await h.publish(during.slice(i, i + 100));
    await new Promise((r) => setTimeout(r, 3500));
    siem.outage(false);
    const outageEnd = Date.now();

    await siem.waitForUnique(350, 10_000);
    const all = [...before, ...during].map((e) => e.metadata.uid);
    expect(new Set(siem.uids())).toEqual(new Set(all));

    // Backoff: attempts during the outage are few and the gaps between them grow (ceilings 0.2, 0.4, 0.8, 1.6 s…).
    const attempts = siem.refusedConnections().filter((t) => t >= outageStart && t <= outageEnd);
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.length).toBeLessThanOrEqual(8);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    const probeGaps = gaps.filter((g) => g > 50); // connections opened together by one attempt are not gaps
    console.log(`outage: ${attempts.length} refused connection attempts, gaps ${probeGaps.join(', ')} ms`);
    for (let i = 1; i < probeGaps.length; i++) expect(probeGaps[i]).toBeGreaterThan(probeGaps[i - 1] * 1.5);
    // Recovery is noticed at the next scheduled attempt, not by hammering.
    const firstAfter = siem.requests().find((r) => r.at >= outageEnd);
    expect(firstAfter).toBeDefined();
  });
});
