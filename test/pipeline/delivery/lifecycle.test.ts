/**
 * Destination lifecycle through the API: config changes apply at the next batch, disable/re-enable starts at
 * "now" (no flood), delete stops delivery and forgets the cursor, replay windows re-deliver history beside the live
 * cursor, preview shows the exact request with credentials redacted, /metrics exposes delivery series.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cursorRepo } from '../../../src/pipeline/delivery/cursor-repo.ts';
import { deliveryDb } from '../../../src/pipeline/delivery/tables.ts';
import { startCollector, type Collector } from './collector.ts';
import { authEvents, eventually, httpConfig, startDeliveryHarness, type DeliveryHarness } from './harness.ts';

describe('destination lifecycle', () => {
  let h: DeliveryHarness;
  const collectors: Collector[] = [];
  const collector = async () => {
    const c = await startCollector();
    collectors.push(c);
    return c;
  };
  const settle = () => new Promise((r) => setTimeout(r, 400));

  beforeAll(async () => {
    h = await startDeliveryHarness();
  });
  afterAll(async () => {
    await h?.dispose();
    await Promise.all(collectors.map((c) => c.close()));
  });
  afterEach(async () => {
    // Each test uses its own configs; remove them so they do not see the next test's events.
    for (const c of (await h.api('GET', '/v1/org/siem-configs')).json) await h.api('DELETE', `/v1/org/siem-configs/${c.id}`);
  });

  it('applies a new URL and new filters from the next batch on', async () => {
    const [a, b] = [await collector(), await collector()];
    const id = await h.createConfig({ connector_type: 'http', config: httpConfig(a.url) });
    const first = authEvents(10);
    await h.publish(first);
    await a.waitForUnique(10);

    await h.updateConfig(id, { config: httpConfig(b.url), filters: { min_severity_id: 3 } });
    const second = authEvents(10);
    await h.publish(second);
    const selected = second.filter((e) => e.severity_id >= 3).map((e) => e.metadata.uid);
    await b.waitForUnique(selected.length);
    await settle();
    expect(b.uids()).toEqual(selected);
    expect(a.uids()).toEqual(first.map((e) => e.metadata.uid));
  });

  it('disable pauses; re-enable starts at "now" without a flood of what was published meanwhile', async () => {
    const siem = await collector();
    const id = await h.createConfig({ connector_type: 'http', config: httpConfig(siem.url) });
    await h.publish(authEvents(5));
    await siem.waitForUnique(5);

    const disabled = await h.updateConfig(id, { is_enabled: false });
    expect(disabled.delivery_status).toBe('paused');
    await eventually(() => !h.t.service.engine!.isRunning(id), 'worker stopped');
    const whilePaused = authEvents(20);
    await h.publish(whilePaused);
    await settle();
    expect((await h.getConfig(id)).delivery_status).toBe('paused');
    expect(siem.uids()).toHaveLength(5);

    await h.updateConfig(id, { is_enabled: true });
    const after = authEvents(7);
    await eventually(() => h.t.service.engine!.isRunning(id), 'worker running again');
    await h.publish(after);
    await siem.waitForUnique(12);
    await settle();
    expect(siem.uids().slice(5)).toEqual(after.map((e) => e.metadata.uid));

    // `replay` is the way back: the window covering the pause re-delivers exactly what was missed.
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 1000).toISOString();
    const replay = await h.api('POST', `/v1/org/siem-configs/${id}/replay`, { from, to });
    expect(replay.status).toBe(202);
    expect(replay.json).toMatchObject({ config_id: id, status: 'queued', clipped: false });
    await siem.waitForUnique(5 + 20 + 7);
    for (const e of whilePaused) expect(siem.uids()).toContain(e.metadata.uid);
  });

  it('delete stops delivery at once and forgets the cursor', async () => {
    const siem = await collector();
    const id = await h.createConfig({ connector_type: 'http', config: httpConfig(siem.url) });
    await h.publish(authEvents(3));
    await siem.waitForUnique(3);
    const cursors = cursorRepo(deliveryDb(h.t.service.store.db));
    await eventually(async () => (await cursors.get(id)) !== undefined, 'cursor written');

    expect((await h.api('DELETE', `/v1/org/siem-configs/${id}`)).status).toBe(204);
    await eventually(async () => !h.t.service.engine!.isRunning(id) && (await cursors.get(id)) === undefined, 'worker and cursor gone');
    await h.publish(authEvents(10));
    await settle();
    expect(siem.uids()).toHaveLength(3);
    expect((await h.api('GET', `/v1/org/siem-configs/${id}/stats`)).status).toBe(404);
  });

  it('stats report backlog and lag while a destination is refused', async () => {
    const siem = await collector();
    siem.requireBearer = 'the-right-key-123';
    const id = await h.createConfig({ connector_type: 'http', config: httpConfig(siem.url, { api_key: 'a-wrong-key-123' }) });
    await h.publish(authEvents(40));
    await eventually(async () => (await h.getConfig(id)).delivery_status === 'error', 'auth error');
    await new Promise((r) => setTimeout(r, 1100));
    const stats = (await h.api('GET', `/v1/org/siem-configs/${id}/stats`)).json;
    expect(stats).toMatchObject({ config_id: id, delivery_status: 'error', backlog_events: 40, events_delivered: 0, events_dead_lettered: 0 });
    expect(stats.lag_seconds).toBeGreaterThanOrEqual(1);
    expect(stats.last_error).toMatch(/403/);
    expect(stats.events_failed).toBeGreaterThanOrEqual(40);
  });

  it('preview shows the exact request for a sample event, credentials redacted', async () => {
    const id = await h.createConfig({
      connector_type: 'http',
      config: httpConfig('http://127.0.0.1:9/ingest', { api_key: 'sk-live-abcdef123456', auth_header: 'X-Tenant-Key: tenant-secret-987', format: 'ndjson' }),
    });
    const res = await h.api('GET', `/v1/org/siem-configs/${id}/preview`);
    expect(res.status).toBe(200);
    const { requests, event } = res.json;
    expect(event).toMatchObject({ class_uid: 6003, metadata: { tenant_uid: 'org-1' } });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:9/ingest', gzip: false, event_count: 1 });
    expect(requests[0].headers).toMatchObject({ Authorization: '[REDACTED]', 'X-Tenant-Key': '[REDACTED]', 'Content-Type': 'application/x-ndjson' });
    expect(JSON.parse(requests[0].body.trim())).toEqual(event);
    expect(JSON.stringify(res.json)).not.toMatch(/sk-live|tenant-secret/);
  });

  it('answers 404 for another organisation and 422 for a bad replay window', async () => {
    const id = await h.createConfig({ connector_type: 'http', config: httpConfig('http://127.0.0.1:9/ingest') });
    const other = await h.t.token({ orgId: 'org-2', orgSlug: 'other' });
    const res = await h.t.service.app.inject({ method: 'GET', url: `/v1/org/siem-configs/${id}/stats`, headers: { authorization: `Bearer ${other}` } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ detail: 'SIEM config not found' });
    const now = Date.now();
    const backwards = await h.api('POST', `/v1/org/siem-configs/${id}/replay`, { from: new Date(now).toISOString(), to: new Date(now - 1000).toISOString() });
    expect(backwards.status).toBe(422);
    expect(backwards.json.detail[0]).toMatchObject({ loc: ['body', 'to'] });
    const ancient = await h.api('POST', `/v1/org/siem-configs/${id}/replay`, { from: '2001-01-01T00:00:00Z', to: '2001-01-02T00:00:00Z' });
    expect(ancient.status).toBe(422);
    expect((await h.api('POST', `/v1/org/siem-configs/${id}/replay`, { from: 'yesterday', to: 'today' })).status).toBe(422);
  });

  it('exposes delivery metrics per destination', async () => {
    const siem = await collector();
    const id = await h.createConfig({ connector_type: 'http', config: httpConfig(siem.url) });
    await h.publish(authEvents(6));
    await siem.waitForUnique(6);
    const scrape = async () => (await h.t.service.app.inject({ method: 'GET', url: '/metrics' })).body;
    // The receiver has them a moment before the connector reads the answer.
    await eventually(async () => (await scrape()).includes(`siemstream_events_delivered_total{destination="${id}"} 6`), 'delivered counted');
    const text = await scrape();
    expect(text).toContain(`siemstream_events_delivered_total{destination="${id}"} 6`);
    expect(text).toContain(`siemstream_delivery_latency_seconds_count{destination="${id}"} 6`);
    expect(text).toContain(`siemstream_destination_backlog_events{destination="${id}"} 0`);
    expect(text).toMatch(new RegExp(`siemstream_destination_backlog_age_seconds\\{destination="${id}"\\} 0`));
  });
});
