/**
 * Connection tests through both config surfaces and the registry route, against real loopback mock receivers:
 * the exact answers, the one labelled OCSF event each receiver gets, status bookkeeping, egress refusal,
 * the per-minute limit and 422 for configs that cannot be instantiated.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siemConfigRepo } from '../../src/store/repos/siem-configs.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { storeBackends, tempDir } from '../helpers/stores.ts';
import { startLoopbackServer, type LoopbackServer } from '../connectors/shared/loopback-server.ts';
import { startSplunkHecMock, type SplunkHecMock } from '../connectors/splunk-hec/mock-receiver.ts';
import { startDatadogMock, type DatadogMockReceiver } from '../connectors/datadog/mock-receiver.ts';
import { startXsiamMock, type XsiamMockReceiver } from '../connectors/cortex-xsiam/mock-receiver.ts';

const SPLUNK_TOKEN = '5f1c7a3e-2b4d-4e6f-8a9b-0c1d2e3f4a5b';
const XSIAM_KEY = 'xsiam-collector-key-conn-tests-0001';
const BAD_TOKEN_MESSAGE = 'Splunk HEC rejected the token (code 4: Invalid token, HTTP 403)';
const SUCCESS_200 = 'Successfully connected to SIEM endpoint (status: 200 OK)';

/** Anchored at the start of a rate-limit window and moving with real time, so "a minute" cannot roll over mid-test. */
function windowAlignedClock(): () => number {
  const base = Math.floor(Date.now() / 60_000) * 60_000 + 1_000;
  const started = Date.now();
  return () => base + (Date.now() - started);
}

type Ev = { class_uid?: number; metadata?: { labels?: string[]; tenant_uid?: string; uid?: string } };

/** The receiver's new events since `before`: exactly one synthetic test event for `tenant` (none for globals). */
function expectOneTestEvent(events: Ev[], before: number, tenant: string | undefined) {
  const fresh = events.slice(before);
  expect(fresh).toHaveLength(1);
  expect(fresh[0].class_uid).toBe(6003);
  expect(fresh[0].metadata?.labels).toEqual(expect.arrayContaining(['siemstream-test', 'connection-test']));
  expect(fresh[0].metadata?.tenant_uid).toBe(tenant);
}

describe.each(storeBackends)('connection tests on $name', (backend) => {
  let t: TestService;
  let splunk: SplunkHecMock;
  let datadog: DatadogMockReceiver;
  let xsiam: XsiamMockReceiver;
  const dir = tempDir();

  beforeAll(async () => {
    [splunk, datadog, xsiam] = await Promise.all([startSplunkHecMock({ token: SPLUNK_TOKEN }), startDatadogMock(), startXsiamMock({ apiKey: XSIAM_KEY, gzip: false })]);
    const file = join(dir, 'connectors.json');
    writeFileSync(
      file,
      JSON.stringify({
        connectors: [
          { connector_id: 'splunk-primary', display_name: 'Splunk HEC (Primary)', connector_type: 'splunk_hec', config: { url: splunk.url, token: '${SPLUNK_TOKEN}', index: 'main' } },
          { connector_id: 'splunk-stale', display_name: 'Splunk (revoked token)', connector_type: 'splunk_hec', config: { url: splunk.url, token: 'revoked-token' } },
          { connector_id: 'xsiam', display_name: 'Cortex XSIAM', connector_type: 'cortex_xsiam', config: { url: xsiam.url, api_key: '${XSIAM_KEY}' } },
          { connector_id: 'splunk-rate', display_name: 'Splunk (rate)', connector_type: 'splunk_hec', config: { url: splunk.url, token: '${SPLUNK_TOKEN}' } },
        ],
      }),
    );
    t = await startTestService(backend, {
      settings: { connectorsFile: file },
      service: { env: { SPLUNK_TOKEN, XSIAM_KEY }, now: windowAlignedClock() },
    });
  });
  afterAll(async () => {
    await t?.dispose();
    await Promise.all([splunk?.close(), datadog?.close(), xsiam?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: string, url: string, token: string, payload?: unknown) =>
    t.service.app.inject({ method: method as never, url, headers: { authorization: `Bearer ${token}` }, payload: payload as never });
  /** Each test has its own organisation, so their tests do not share a per-minute budget. */
  const orgAdmin = (slug: string) => t.token({ orgId: `org-${slug}`, orgSlug: slug, role: 'admin' });
  const platformAdmin = () => t.token({ platformAdmin: true, orgId: undefined, orgSlug: undefined, role: undefined });
  const arbitexState = async (token: string, id: string) => (await call('GET', `/v1/org/siem-configs/${id}`, token)).json();

  describe('AuthOS surface', () => {
    it('Splunk: answers the seed success text; the receiver got one labelled test event; the config is healthy', async () => {
      const admin = await orgAdmin('authos-splunk');
      const base = '/api/organizations/authos-splunk/siem-configs';
      const created = await call('POST', base, admin, { name: 'Splunk', provider_type: 'Splunk', endpoint_url: `${splunk.url}/services/collector/event`, api_key: SPLUNK_TOKEN });
      expect(created.statusCode).toBe(201);
      const id = created.json().id;
      const before = splunk.events().length;

      const res = await call('POST', `${base}/${id}/test`, admin);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ success: true, message: SUCCESS_200 });
      expectOneTestEvent(splunk.events() as Ev[], before, 'org-authos-splunk');
      expect(splunk.requests().at(-1)?.headers.authorization).toBe(`Splunk ${SPLUNK_TOKEN}`);

      // A test is not a delivery: it is recorded as such, and the delivery times stay unset.
      const state = await arbitexState(admin, id);
      expect(state).toMatchObject({ delivery_status: 'healthy', failure_count: 0, last_error: null, last_test_result: 'success' });
      expect(new Date(state.last_test_at).toISOString()).toBe(state.last_test_at);
      expect(state).toMatchObject({ last_delivery_at: null, last_successful_batch_at: null });
      expect((await call('GET', `${base}/${id}`, admin)).json().last_successful_batch_at).toBeNull();
      const stats = (await call('GET', `/v1/org/siem-configs/${id}/stats`, admin)).json();
      expect(stats).toMatchObject({ last_test_at: state.last_test_at, last_test_result: 'success', last_delivery_at: null, last_successful_batch_at: null, events_delivered: 0 });
    });

    it('Datadog: validates the key, sends one labelled event, answers the success text with the intake status', async () => {
      const admin = await orgAdmin('authos-dd');
      const base = '/api/organizations/authos-dd/siem-configs';
      const created = await call('POST', base, admin, { name: 'DD', provider_type: 'Datadog', endpoint_url: `${datadog.url}/api/v2/logs`, api_key: datadog.apiKey });
      expect(created.statusCode).toBe(201);
      const before = datadog.events().length;
      const res = await call('POST', `${base}/${created.json().id}/test`, admin);
      expect(res.json()).toEqual({ success: true, message: 'Successfully connected to SIEM endpoint (status: 202 Accepted)' });
      expectOneTestEvent(datadog.events() as Ev[], before, 'org-authos-dd');
    });
  });

  describe('Arbitex surface', () => {
    it('Splunk: answers {config_id, connector_type, success, events_sent: 1, error: null}; one labelled event arrives', async () => {
      const admin = await orgAdmin('arbitex-splunk');
      const created = (await call('POST', '/v1/org/siem-configs', admin, { connector_type: 'splunk_hec', config: { url: splunk.url, token: SPLUNK_TOKEN, index: 'main' } })).json();
      const before = splunk.events().length;
      const res = await call('POST', `/v1/org/siem-configs/${created.id}/test`, admin);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ config_id: created.id, connector_type: 'splunk_hec', success: true, events_sent: 1, error: null });
      expectOneTestEvent(splunk.events() as Ev[], before, 'org-arbitex-splunk');
    });

    it('Cortex XSIAM: one labelled event reaches the collector', async () => {
      const admin = await orgAdmin('arbitex-xsiam');
      const created = (await call('POST', '/v1/org/siem-configs', admin, { connector_type: 'cortex_xsiam', config: { url: xsiam.url, api_key: XSIAM_KEY, api_key_id: '7' } })).json();
      const before = xsiam.events().length;
      const res = await call('POST', `/v1/org/siem-configs/${created.id}/test`, admin);
      expect(res.json()).toEqual({ config_id: created.id, connector_type: 'cortex_xsiam', success: true, events_sent: 1, error: null });
      expectOneTestEvent(xsiam.events() as Ev[], before, 'org-arbitex-xsiam');
    });
  });

  it('a bad token fails with Splunk\'s own text on both surfaces (degraded, counted); the fixed config tests healthy', async () => {
    const slug = 'bad-token';
    const admin = await orgAdmin(slug);
    const created = (await call('POST', '/v1/org/siem-configs', admin, { connector_type: 'splunk_hec', config: { url: splunk.url, token: 'wrong-token' } })).json();
    const before = splunk.events().length;

    const arbitex = await call('POST', `/v1/org/siem-configs/${created.id}/test`, admin);
    expect(arbitex.json()).toEqual({ config_id: created.id, connector_type: 'splunk_hec', success: false, events_sent: 0, error: BAD_TOKEN_MESSAGE });
    expect(await arbitexState(admin, created.id)).toMatchObject({
      delivery_status: 'degraded',
      failure_count: 1,
      last_error: BAD_TOKEN_MESSAGE,
      last_test_result: 'failure',
      last_delivery_at: null,
    });

    // The same config through the AuthOS surface.
    const authos = await call('POST', `/api/organizations/${slug}/siem-configs/${created.id}/test`, admin);
    expect(authos.json()).toEqual({ success: false, message: BAD_TOKEN_MESSAGE });
    expect((await call('GET', `/api/organizations/${slug}/siem-configs/${created.id}`, admin)).json().failure_count).toBe(2);
    expect(splunk.events().length).toBe(before);

    await call('PUT', `/v1/org/siem-configs/${created.id}`, admin, { config: { url: splunk.url, token: SPLUNK_TOKEN } });
    expect((await arbitexState(admin, created.id)).failure_count).toBe(2); // only a successful test or delivery resets it
    const fixed = await call('POST', `/api/organizations/${slug}/siem-configs/${created.id}/test`, admin);
    expect(fixed.json()).toEqual({ success: true, message: SUCCESS_200 });
    expect(await arbitexState(admin, created.id)).toMatchObject({ delivery_status: 'healthy', failure_count: 0, last_error: null, last_test_result: 'success', last_delivery_at: null });
    expectOneTestEvent(splunk.events() as Ev[], before, `org-${slug}`);
  });

  it('the 11th test in a minute is 429 with Retry-After, counted per organisation across both surfaces', async () => {
    const slug = 'rate';
    const admin = await orgAdmin(slug);
    const created = (await call('POST', '/v1/org/siem-configs', admin, { connector_type: 'splunk_hec', config: { url: splunk.url, token: SPLUNK_TOKEN } })).json();
    for (let i = 0; i < 10; i++) {
      const url = i % 2 === 0 ? `/v1/org/siem-configs/${created.id}/test` : `/api/organizations/${slug}/siem-configs/${created.id}/test`;
      expect((await call('POST', url, admin)).statusCode).toBe(200);
    }
    const before = splunk.events().length;
    const limited = await call('POST', `/v1/org/siem-configs/${created.id}/test`, admin);
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.json().error.code).toBe('SIEM_ERR_RATE_LIMITED');
    const authos = await call('POST', `/api/organizations/${slug}/siem-configs/${created.id}/test`, admin);
    expect(authos.statusCode).toBe(429);
    expect(authos.json()).toEqual({ error: { code: 'SIEM_ERR_RATE_LIMITED', message: expect.stringContaining('10 a minute'), details: { retry_after_seconds: expect.any(Number) } } });
    expect(splunk.events().length).toBe(before);

    // Another organisation still has its budget.
    const other = await orgAdmin('rate-other');
    const mine = (await call('POST', '/v1/org/siem-configs', other, { connector_type: 'splunk_hec', config: { url: splunk.url, token: SPLUNK_TOKEN } })).json();
    expect((await call('POST', `/v1/org/siem-configs/${mine.id}/test`, other)).statusCode).toBe(200);
  });

  it('answers 422 on both surfaces when the stored config cannot be instantiated; nothing is sent', async () => {
    const slug = 'stale-config';
    const admin = await orgAdmin(slug);
    const created = (await call('POST', '/v1/org/siem-configs', admin, { connector_type: 'splunk_hec', config: { url: splunk.url, token: SPLUNK_TOKEN } })).json();
    // A row whose config no longer satisfies the connector (as if written by an older version): no url.
    const repo = siemConfigRepo(t.service.store.db as never);
    const storedToken = (await repo.getById(created.id))!.config.token;
    await repo.update(`org-${slug}`, created.id, { config: { token: storedToken } }, Date.now());
    const before = splunk.requests().length;

    const arbitex = await call('POST', `/v1/org/siem-configs/${created.id}/test`, admin);
    expect(arbitex.statusCode).toBe(422);
    expect(arbitex.json().detail).toEqual([{ loc: ['config', 'url'], msg: 'Field required', type: 'missing' }]);
    const authos = await call('POST', `/api/organizations/${slug}/siem-configs/${created.id}/test`, admin);
    expect(authos.statusCode).toBe(422);
    expect(authos.json().error).toMatchObject({ code: 'SIEM_ERR_VALIDATION', message: 'Connector cannot be instantiated: url: Field required' });
    expect(splunk.requests().length).toBe(before);
  });

  describe('registry route', () => {
    it('tests a global connector: seed shape, one labelled event without a tenant, status stays healthy', async () => {
      const platform = await platformAdmin();
      const before = splunk.events().length;
      const res = await call('POST', '/api/admin/siem/test/splunk-primary', platform);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ connector_id: 'splunk-primary', success: true, events_sent: 1, error: null });
      expectOneTestEvent(splunk.events() as Ev[], before, undefined);
      expect(t.service.ctx.registry.get('splunk-primary')).toMatchObject({ status: 'healthy', failureCount: 0, lastError: null });

      const beforeXsiam = xsiam.events().length;
      expect((await call('POST', '/api/admin/siem/test/xsiam', platform)).json()).toEqual({ connector_id: 'xsiam', success: true, events_sent: 1, error: null });
      expectOneTestEvent(xsiam.events() as Ev[], beforeXsiam, undefined);
    });

    it('a rejected token is success:false with Splunk\'s text; the connector turns to error, shown by list and health', async () => {
      const platform = await platformAdmin();
      const res = await call('POST', '/api/admin/siem/test/splunk-stale', platform);
      expect(res.json()).toEqual({ connector_id: 'splunk-stale', success: false, events_sent: 0, error: BAD_TOKEN_MESSAGE });
      expect(t.service.ctx.registry.get('splunk-stale')).toMatchObject({ status: 'error', failureCount: 1, lastError: BAD_TOKEN_MESSAGE });
      const listed = (await call('GET', '/api/admin/siem/connectors', platform)).json();
      expect(listed.connectors.find((c: { connector_id: string }) => c.connector_id === 'splunk-stale').status).toBe('error');
      expect((await call('GET', '/api/admin/siem/health', platform)).json()).toMatchObject({ error: 1, total: 4 });
    });

    it('limits tests per connector: the 11th in a minute is 429 with Retry-After', async () => {
      const platform = await platformAdmin();
      for (let i = 0; i < 10; i++) expect((await call('POST', '/api/admin/siem/test/splunk-rate', platform)).statusCode).toBe(200);
      const limited = await call('POST', '/api/admin/siem/test/splunk-rate', platform);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.json().error.code).toBe('SIEM_ERR_RATE_LIMITED');
    });
  });
});

describe.each(storeBackends)('egress refusal on $name', (backend) => {
  let t: TestService;
  let target: LoopbackServer;
  const dir = tempDir();

  // The config is saved while its name resolves to a public address (saving refuses a target already refused);
  // then its DNS answer turns to loopback, and the test must say why it refuses to connect.
  let answer = '93.184.216.34';
  beforeAll(async () => {
    target = await startLoopbackServer((_req, res) => res.writeHead(200).end('{"text":"Success","code":0}'));
    const file = join(dir, 'connectors.json');
    const config = { url: `https://rebind.test:${target.port}`, token: SPLUNK_TOKEN };
    writeFileSync(file, JSON.stringify({ connectors: [{ connector_id: 'loopback', display_name: 'Loopback', connector_type: 'splunk_hec', config }] }));
    // No SIEM_EGRESS_ALLOW: loopback is refused.
    t = await startTestService(backend, {
      settings: { egressAllow: undefined, connectorsFile: file },
      service: { resolver: async () => [{ address: answer, family: 4 }] },
    });
  });
  afterAll(async () => {
    await t?.dispose();
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the test with a clear message on every surface and never connects', async () => {
    const admin = await t.token({ orgId: 'org-egress', orgSlug: 'egress', role: 'admin' });
    const call = (url: string, token: string, payload?: unknown) =>
      t.service.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: payload as never });
    const created = (await call('/v1/org/siem-configs', admin, { connector_type: 'splunk_hec', config: { url: `https://rebind.test:${target.port}`, token: SPLUNK_TOKEN } })).json();
    answer = '127.0.0.1';

    const arbitex = (await call(`/v1/org/siem-configs/${created.id}/test`, admin)).json();
    expect(arbitex).toMatchObject({ success: false, events_sent: 0 });
    expect(arbitex.error).toBe('refused egress to 127.0.0.1 (loopback, RFC 1122) for host rebind.test; set SIEM_EGRESS_ALLOW to allow it');
    expect(arbitex.error).not.toContain(SPLUNK_TOKEN);

    const authos = (await call(`/api/organizations/egress/siem-configs/${created.id}/test`, admin)).json();
    expect(authos).toEqual({ success: false, message: arbitex.error });

    const platform = await t.token({ platformAdmin: true });
    const global = (await call('/api/admin/siem/test/loopback', platform)).json();
    expect(global).toEqual({ connector_id: 'loopback', success: false, events_sent: 0, error: arbitex.error });
    expect(t.service.ctx.registry.get('loopback')).toMatchObject({ status: 'degraded', failureCount: 1, lastError: arbitex.error });

    expect(target.connections()).toBe(0);
    expect(t.logs.join('\n')).not.toContain(SPLUNK_TOKEN);
  });
});
