/**
 * The streams routes (write-only view for the console), the connector catalog, the chart time series and the
 * operator's cross-org stream list, over real HTTP (inject) on both stores, with a loopback Splunk HEC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/security/egress-guard.ts';
import { storeBackends } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { startHecReceiver, type HecReceiver } from '../console/hec-receiver.ts';

const TOKEN = 'hec-token-3f9c2a71-5b8e-4d6a-9e0f-123456789abc';

describe.each(storeBackends)('streams API on $name', (backend) => {
  let t: TestService;
  let admin: string;
  let hec: HecReceiver;
  beforeAll(async () => {
    hec = await startHecReceiver(TOKEN);
    t = await startTestService(backend, { settings: { testRateLimitPerMinute: 1000 } });
    admin = await t.token();
  });
  afterAll(async () => {
    await t?.dispose();
    await hec?.close();
  });

  const call = (method: string, url: string, token: string | undefined, payload?: unknown) =>
    t.service.app.inject({ method: method as never, url, headers: token ? { authorization: `Bearer ${token}` } : {}, payload: payload as never });
  const create = async (config: Record<string, unknown> = { url: hec.url, token: TOKEN, index: 'main' }, extra: Record<string, unknown> = {}) => {
    const res = await call('POST', '/v1/org/streams', admin, { connector_type: 'splunk_hec', name: 'HEC', config, ...extra });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  it('never answers a secret: create, get, list and update show it as set / not set', async () => {
    const s = await create();
    const bodies = [JSON.stringify(s)];
    expect(s.secrets).toEqual({ token: 'set' });
    expect(s.config).toEqual({ url: hec.url, index: 'main' });
    bodies.push((await call('GET', `/v1/org/streams/${s.id}`, admin)).body);
    bodies.push((await call('GET', '/v1/org/streams', admin)).body);
    const updated = await call('PUT', `/v1/org/streams/${s.id}`, admin, { config: { url: hec.url, index: 'other' } });
    expect(updated.statusCode, updated.body).toBe(200);
    bodies.push(updated.body);
    expect(updated.json().secrets).toEqual({ token: 'set' });
    for (const b of bodies) expect(b).not.toContain(TOKEN);
    // The omitted secret was kept: the stored config still delivers with it.
    const test = await call('POST', `/v1/org/streams/${s.id}/test`, admin);
    expect(test.json()).toMatchObject({ success: true, status: 200, kind: 'ok' });
    expect(hec.authorizations().at(-1)).toBe(`Splunk ${TOKEN}`);
  });

  it('asks for the secret again when the target URL changes (422 naming the field)', async () => {
    const s = await create();
    const res = await call('PUT', `/v1/org/streams/${s.id}`, admin, { config: { url: 'https://elsewhere.example.com:8088' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail.map((d: { loc: string[] }) => d.loc.join('.'))).toContain('body.config.token');
    const ok = await call('PUT', `/v1/org/streams/${s.id}`, admin, { config: { url: 'https://elsewhere.example.com:8088', token: 'new-token' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).not.toContain('new-token');
  });

  it('validation errors name the field', async () => {
    const res = await call('POST', '/v1/org/streams', admin, { connector_type: 'splunk_hec', config: { url: 'not a url', token: TOKEN } });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail[0].loc).toEqual(['body', 'config', 'url']);
  });

  it('connection tests say what the SIEM answered and what to do', async () => {
    const wrong = await create({ url: hec.url, token: 'wrong-token' });
    const r1 = (await call('POST', `/v1/org/streams/${wrong.id}/test`, admin)).json();
    expect(r1).toMatchObject({ success: false, status: 403, kind: 'credentials' });
    expect(r1.advice).toMatch(/credentials/);
    expect(JSON.stringify(r1)).not.toContain('wrong-token');

    const closed = await create({ url: 'http://127.0.0.1:1', token: TOKEN });
    const r2 = (await call('POST', `/v1/org/streams/${closed.id}/test`, admin)).json();
    expect(r2).toMatchObject({ success: false, status: null, kind: 'unreachable' });

    // A name that resolved to a public address when saved and to a private one by the time of the test.
    let flipped = false;
    const resolver: Resolver = async () => [{ address: flipped ? '10.1.2.3' : '93.184.216.34', family: 4 }];
    const strict = await startTestService(backend, { settings: { egressAllow: '' }, service: { resolver } });
    try {
      const token = await strict.token();
      const post = (url: string, payload?: object) =>
        strict.service.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, ...(payload && { payload }) });
      const refused = await post('/v1/org/streams', { connector_type: 'splunk_hec', config: { url: 'https://10.1.2.3:8088', token: TOKEN } });
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json().detail[0]).toMatchObject({ loc: ['body', 'config', 'url'], type: 'egress_refused' });
      expect(refused.json().detail[0].msg).toContain('refused egress to 10.1.2.3 (private, RFC 1918)');

      const c = await post('/v1/org/streams', { connector_type: 'splunk_hec', config: { url: 'https://siem.flip.test:8088', token: TOKEN } });
      expect(c.statusCode, c.body).toBe(201);
      flipped = true;
      const r3 = (await post(`/v1/org/streams/${c.json().id}/test`)).json();
      expect(r3).toMatchObject({ success: false, kind: 'egress_refused' });
      expect(r3.message).toContain('10.1.2.3 (private, RFC 1918)');
      expect(r3.advice).toMatch(/SIEM_EGRESS_ALLOW/);
    } finally {
      await strict.dispose();
    }
  });

  it('streams of another organisation are 404; a viewer is 403; no token 401', async () => {
    const s = await create();
    const other = await t.token({ orgId: 'org-2', orgSlug: 'other' });
    expect((await call('GET', `/v1/org/streams/${s.id}`, other)).statusCode).toBe(404);
    expect((await call('GET', `/v1/org/siem-configs/${s.id}/timeseries`, other)).statusCode).toBe(404);
    expect((await call('GET', '/v1/org/streams', await t.token({ role: 'viewer' }))).statusCode).toBe(403);
    expect((await call('GET', '/v1/org/streams', undefined)).statusCode).toBe(401);
  });

  it('GET /v1/connector-types gives each schema, secret and destination fields and defaults', async () => {
    expect((await call('GET', '/v1/connector-types', undefined)).statusCode).toBe(401);
    const res = await call('GET', '/v1/connector-types', admin);
    expect(res.statusCode).toBe(200);
    const splunk = res.json().connector_types.find((c: { connector_type: string }) => c.connector_type === 'splunk_hec');
    expect(splunk.display_name).toBe('Splunk HEC');
    expect(splunk.secret_fields).toEqual(['token']);
    expect(splunk.destination_fields).toContain('url');
    expect(splunk.defaults).toMatchObject({ sourcetype: 'ocsf', ack: false, compression: 'gzip' });
    expect(splunk.config_schema.required).toEqual(['url', 'token']);
    expect(splunk.config_schema.properties.url.description).toMatch(/HEC base URL/);
    expect(res.json().connector_types).toHaveLength(8);
  });

  it('counts deliveries per minute: the time series and the list figures show published events', async () => {
    const s = await create(undefined, { name: 'charted' });
    await new Promise((r) => setTimeout(r, 300));
    const writer = await t.token({ scope: 'events:write' });
    const events = Array.from({ length: 7 }, (_, i) => ({ type: 'user.login', user: { user_id: `u-${i}` }, ip: '203.0.113.7' }));
    const before = hec.accepted();
    expect((await call('POST', '/v1/events', writer, events)).statusCode).toBe(202);
    let series: any;
    for (let i = 0; i < 100; i++) {
      series = (await call('GET', `/v1/org/siem-configs/${s.id}/timeseries?window=1h`, admin)).json();
      if (series.points.reduce((n: number, p: { delivered: number }) => n + p.delivered, 0) >= 7) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(hec.accepted() - before).toBeGreaterThanOrEqual(7);
    expect(series.window).toBe('1h');
    expect(series.step_seconds).toBe(60);
    expect(series.points).toHaveLength(60);
    expect(series.points.reduce((n: number, p: { delivered: number }) => n + p.delivered, 0)).toBe(7);
    const last = series.points.filter((p: { delivered: number }) => p.delivered > 0).at(-1);
    expect(last.latency_p50_ms).not.toBeNull();
    expect(last.latency_p99_ms).toBeGreaterThanOrEqual(last.latency_p50_ms);

    const day = (await call('GET', `/v1/org/siem-configs/${s.id}/timeseries?window=24h`, admin)).json();
    expect(day.step_seconds).toBe(300);
    expect(day.points).toHaveLength(288);
    expect(day.points.reduce((n: number, p: { delivered: number }) => n + p.delivered, 0)).toBe(7);
    expect((await call('GET', `/v1/org/siem-configs/${s.id}/timeseries?window=7d`, admin)).statusCode).toBe(422);

    const listed = (await call('GET', '/v1/org/streams', admin)).json().find((x: { id: string }) => x.id === s.id);
    expect(listed.figures).toMatchObject({ events_delivered: 7, backlog_events: 0 });
  });

  it('the operator lists every organisation\'s streams by state with counts; org admins may not', async () => {
    const other = await t.token({ orgId: 'org-9', orgSlug: 'failing-co' });
    const failing = await t.service.app.inject({
      method: 'POST',
      url: '/v1/org/streams',
      headers: { authorization: `Bearer ${other}` },
      payload: { connector_type: 'splunk_hec', name: 'broken', config: { url: hec.url, token: 'bad-token' } },
    });
    const id = failing.json().id;
    await t.service.app.inject({ method: 'POST', url: `/v1/org/streams/${id}/test`, headers: { authorization: `Bearer ${other}` } });
    const operator = await t.token({ orgId: undefined, orgSlug: undefined, role: undefined, platformAdmin: true });
    expect((await call('GET', '/api/admin/siem/streams', admin)).statusCode).toBe(403);
    const res = await call('GET', '/api/admin/siem/streams?state=failing', operator);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.streams.map((s: { id: string }) => s.id)).toContain(id);
    expect(body.streams.every((s: { delivery_status: string }) => ['degraded', 'error', 'not_configured'].includes(s.delivery_status))).toBe(true);
    expect(body.counts.failing_orgs).toBeGreaterThanOrEqual(1);
    expect(body.counts.total).toBeGreaterThan(body.total);
    expect(res.body).not.toContain('bad-token');
    const mine = (await call('GET', '/api/admin/siem/streams?org_id=org-9', operator)).json();
    expect(mine.streams.every((s: { org_id: string }) => s.org_id === 'org-9')).toBe(true);
    expect((await call('GET', '/api/admin/siem/streams?state=bogus', operator)).statusCode).toBe(422);
  });

  it('documents the new routes in OpenAPI', async () => {
    const paths = Object.keys((await call('GET', '/openapi.json', undefined)).json().paths);
    for (const p of ['/v1/org/streams', '/v1/org/streams/{config_id}', '/v1/org/streams/{config_id}/test', '/v1/connector-types', '/v1/org/siem-configs/{config_id}/timeseries', '/api/admin/siem/streams']) {
      expect(paths).toContain(p);
    }
  });
});
