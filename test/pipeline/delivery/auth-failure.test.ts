/** Required test 4: 403 → status error, events kept (not dead-lettered); the admin fixes the key → all arrive. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from './collector.ts';
import { authEvents, eventually, httpConfig, startDeliveryHarness, type DeliveryHarness } from './harness.ts';

describe('auth failure, then the admin fixes the credentials', () => {
  let h: DeliveryHarness;
  let siem: Collector;

  beforeAll(async () => {
    // The slow auth probe stays at its production value (60 s): only the config change can unblock delivery here.
    h = await startDeliveryHarness();
    siem = await startCollector();
    siem.requireBearer = 'right-key-0123456789';
  });
  afterAll(async () => {
    await h?.dispose();
    await siem?.close();
  });

  it('keeps the events while refused and delivers all of them after PUT with the right key', async () => {
    const id = await h.createConfig({ connector_type: 'http', config: httpConfig(siem.url, { api_key: 'wrong-key-0123456789' }), batch_size: 50 });
    const events = authEvents(120);
    await h.publish(events);

    await eventually(async () => (await h.getConfig(id)).delivery_status === 'error', 'delivery_status error');
    const failing = await h.getConfig(id);
    expect(failing.failure_count).toBeGreaterThanOrEqual(1);
    expect(failing.last_error).toMatch(/403/);
    const refused = siem.requests().length;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(siem.uids()).toHaveLength(0);
    // Kept, not dead-lettered; and no hammering while refused (one probe a minute).
    await new Promise((r) => setTimeout(r, 500));
    expect(siem.requests().length).toBe(refused);
    const dl = await h.api('GET', `/v1/org/siem-configs/${id}/dead-letters`);
    expect(dl.json.total).toBe(0);
    const stats = await h.api('GET', `/v1/org/siem-configs/${id}/stats`);
    expect(stats.json.backlog_events).toBe(120);

    await h.updateConfig(id, { config: httpConfig(siem.url, { api_key: 'right-key-0123456789' }) });
    await siem.waitForUnique(120, 5000);
    expect(new Set(siem.uids())).toEqual(new Set(events.map((e) => e.metadata.uid)));
    // The config service marks a changed config healthy at once; the delivery's own verdict follows within ~1 s.
    await eventually(async () => (await h.getConfig(id)).last_successful_batch_at !== null, 'a successful batch recorded');
    const healthy = await h.getConfig(id);
    expect(healthy.delivery_status).toBe('healthy');
    expect(healthy.failure_count).toBe(0);
    expect(healthy.last_error).toBeNull();
    expect(healthy.last_successful_batch_at).not.toBeNull();
  });
});
