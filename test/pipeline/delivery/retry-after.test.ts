/** Required test 3: a 429 with `Retry-After: 3` → no request to that destination before 3 s have passed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from './collector.ts';
import { authEvents, eventually, httpConfig, startDeliveryHarness, type DeliveryHarness } from './harness.ts';

describe('429 with Retry-After', () => {
  let h: DeliveryHarness;
  let siem: Collector;

  beforeAll(async () => {
    // Jitter pinned to 0: without the hint the retry would go out at once, so any wait is the hint's doing.
    h = await startDeliveryHarness({ random: () => 0 });
    siem = await startCollector();
  });
  afterAll(async () => {
    await h?.dispose();
    await siem?.close();
  });

  it('waits out the hint, then delivers; the destination is degraded meanwhile', async () => {
    let throttledAt = 0;
    siem.respond = () => {
      if (throttledAt) return undefined;
      throttledAt = Date.now();
      return { status: 429, headers: { 'Retry-After': '3' }, body: '{"error":"slow down"}' };
    };
    const id = await h.createConfig({ connector_type: 'http', config: httpConfig(siem.url) });
    const events = authEvents(10);
    await h.publish(events);

    await eventually(async () => (await h.getConfig(id)).delivery_status === 'degraded', 'degraded while waiting', 2500);
    await siem.waitForUnique(10, 6000);
    const requests = siem.requests();
    expect(requests).toHaveLength(2);
    expect(requests[0].status).toBe(429);
    const waited = requests[1].at - throttledAt;
    expect(waited).toBeGreaterThanOrEqual(3000);
    expect(waited).toBeLessThan(4000);
    expect(siem.uids()).toEqual(events.map((e) => e.metadata.uid));
    // Counters are written about once per stats flush.
    await eventually(async () => (await h.api('GET', `/v1/org/siem-configs/${id}/stats`)).json.events_delivered === 10, 'stats written');
    const stats = await h.api('GET', `/v1/org/siem-configs/${id}/stats`);
    expect(stats.json).toMatchObject({ events_delivered: 10, events_retried: 10, events_failed: 10, backlog_events: 0, lag_seconds: 0 });
  });
});
