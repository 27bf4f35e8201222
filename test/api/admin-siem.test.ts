/** The connector registry API (seed 001 "Connector registry API") over a real service with a connectors file. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends, tempDir } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { startCollector, type Collector } from '../pipeline/delivery/collector.ts';
import { FAST_DELIVERY, authEvents, eventually } from '../pipeline/delivery/harness.ts';

const SECRETS = {
  SPLUNK_TOKEN: 'f3b0c442-98fc-1c14-9afb-secretsplunk1',
  // Elasticsearch's "encoded" API key: base64 of id:api_key.
  ELASTIC_KEY: Buffer.from('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw').toString('base64'),
  SUMO_URL: 'https://endpoint1.collection.sumologic.com/receiver/v1/http/ZaVnC4dhaV3sumoSecretPath',
  BAD_ENTRY_KEY: 'dd-secret-in-a-bad-entry-0001',
};

const yamlFile = `
connectors:
  - connector_id: splunk-primary
    display_name: Splunk HEC (Primary)
    connector_type: splunk_hec
    config:
      url: https://splunk.example.com:8088
      token: \${SPLUNK_TOKEN}
      index: arbitex_audit
  - connector_id: elastic-prod
    display_name: Elasticsearch (Prod)
    connector_type: elastic
    config:
      host: https://elastic.example.com:9200
      api_key: \${ELASTIC_KEY}
      index: arbitex-audit
  - connector_id: sumo
    display_name: Sumo Logic
    connector_type: sumo_logic
    config:
      url: \${SUMO_URL}
      category: security/ocsf
  - connector_id: datadog-broken
    display_name: Datadog (no site)
    connector_type: datadog
    config:
      api_key: ${SECRETS.BAD_ENTRY_KEY}
      site: not a site
  - connector_id: mystery
    display_name: Mystery
    connector_type: syslog
    config: {}
`;

describe.each(storeBackends)('connector registry API on $name', (backend) => {
  let t: TestService;
  let platform: string;
  const dir = tempDir();
  const file = join(dir, 'connectors.yaml');

  beforeAll(async () => {
    writeFileSync(file, yamlFile);
    t = await startTestService(backend, { settings: { connectorsFile: file }, service: { env: { ...SECRETS } } });
    platform = await t.token({ platformAdmin: true, orgId: undefined, orgSlug: undefined, role: undefined });
  });
  afterAll(async () => {
    await t?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST', url: string, token?: string) =>
    t.service.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  /** The failure details every entry carries after the seed's fields: none yet. */
  const fresh = { failure_count: 0, last_error: null, last_delivery_at: null, last_successful_batch_at: null, last_test_at: null, last_test_result: null };
  /** An entry as the seed documents it (its fields, in its order), for comparing the seed's part exactly. */
  const seedPart = (c: Record<string, unknown>) => Object.fromEntries(['connector_id', 'display_name', 'status', 'connector_type', 'config_summary'].map((k) => [k, c[k]]));

  it('lists connectors in the seed shape (its fields first), class-like types, non-secret summaries', async () => {
    const res = await call('GET', '/api/admin/siem/connectors', platform);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body.connectors[0])).toEqual([
      'connector_id',
      'display_name',
      'status',
      'connector_type',
      'config_summary',
      'failure_count',
      'last_error',
      'last_delivery_at',
      'last_successful_batch_at',
      'last_test_at',
      'last_test_result',
    ]);
    expect(body.connectors.slice(0, 3).map((c: Record<string, unknown>) => ({ ...c, ...fresh }))).toEqual(body.connectors.slice(0, 3));
    expect(body.connectors[3]).toMatchObject({ status: 'not_configured', failure_count: 0, last_error: expect.stringMatching(/^Connector cannot be instantiated: connectors\.3\.config\.site: /) });
    expect({ ...body, connectors: body.connectors.map(seedPart) }).toEqual({
      connectors: [
        {
          connector_id: 'splunk-primary',
          display_name: 'Splunk HEC (Primary)',
          status: 'healthy',
          connector_type: 'SplunkHECConnector',
          config_summary: { url: 'https://splunk.example.com:8088', index: 'arbitex_audit' },
        },
        {
          connector_id: 'elastic-prod',
          display_name: 'Elasticsearch (Prod)',
          status: 'healthy',
          connector_type: 'ElasticsearchConnector',
          config_summary: { host: 'https://elastic.example.com:9200', index: 'arbitex-audit' },
        },
        { connector_id: 'sumo', display_name: 'Sumo Logic', status: 'healthy', connector_type: 'SumoLogicConnector', config_summary: { category: 'security/ocsf' } },
        { connector_id: 'datadog-broken', display_name: 'Datadog (no site)', status: 'not_configured', connector_type: 'DatadogConnector', config_summary: { site: 'not a site' } },
        { connector_id: 'mystery', display_name: 'Mystery', status: 'not_configured', connector_type: 'syslog', config_summary: {} },
      ],
      total: 5,
    });
  });

  it('answers health counts in the seed shape', async () => {
    const res = await call('GET', '/api/admin/siem/health', platform);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ healthy: 3, degraded: 0, error: 0, not_configured: 2, total: 5 });
  });

  it('logged one clear line per invalid entry at start-up, and no secret anywhere', async () => {
    const invalid = t.logs.map((l) => JSON.parse(l)).filter((l) => l.level === 50 && /global connector/.test(l.msg));
    expect(invalid.map((l) => l.connector_id)).toEqual(['datadog-broken', 'mystery']);
    expect(invalid[0].msg).toContain('connectors.3.config.site');
    expect(invalid[1].msg).toContain('connectors.4.connector_type');
    const everything = [
      t.logs.join('\n'),
      (await call('GET', '/api/admin/siem/connectors', platform)).body,
      (await call('POST', '/api/admin/siem/test/datadog-broken', platform)).body,
    ].join('\n');
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('sumoSecretPath');
  });

  it('answers 404 for an unknown connector and 422 for one that cannot be instantiated', async () => {
    const unknown = await call('POST', '/api/admin/siem/test/nope', platform);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'SIEM_ERR_NOT_FOUND', message: 'Global connector nope is not registered' } });

    const broken = await call('POST', '/api/admin/siem/test/mystery', platform);
    expect(broken.statusCode).toBe(422);
    expect(broken.json().error).toMatchObject({ code: 'SIEM_ERR_VALIDATION', message: expect.stringMatching(/^Connector cannot be instantiated: connectors\.4\.connector_type: /) });
    expect(broken.json().error.details[0]).toMatchObject({ loc: ['connectors', 4, 'connector_type'], type: 'enum' });
  });

  it('requires a platform admin: 401 without or with a bad token, 403 for an org admin', async () => {
    const orgAdmin = await t.token({ role: 'owner' });
    for (const [method, url] of [
      ['GET', '/api/admin/siem/connectors'],
      ['GET', '/api/admin/siem/health'],
      ['POST', '/api/admin/siem/test/splunk-primary'],
    ] as const) {
      const none = await call(method, url);
      expect(none.statusCode).toBe(401);
      expect(none.json().error.code).toBe('SIEM_ERR_UNAUTHENTICATED');
      expect((await call(method, url, 'not-a-jwt')).statusCode).toBe(401);
      const forbidden = await call(method, url, orgAdmin);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json()).toEqual({ error: { code: 'SIEM_ERR_FORBIDDEN', message: 'Platform admin required' } });
    }
  });

  it('shows programmatic registrations and removals at once', async () => {
    t.service.ctx.registry.register({
      connector_id: 'lib-http',
      display_name: 'Webhook',
      connector_type: 'http',
      config: { url: 'https://hooks.example.com/siem', api_key: 'lib-secret-key-123', format: 'ndjson' },
    });
    const listed = (await call('GET', '/api/admin/siem/connectors', platform)).json();
    expect(listed.total).toBe(6);
    expect(listed.connectors[5]).toEqual({
      connector_id: 'lib-http',
      display_name: 'Webhook',
      status: 'healthy',
      connector_type: 'HTTPConnector',
      config_summary: { url: 'https://hooks.example.com/siem', format: 'ndjson' },
      ...fresh,
    });
    expect(JSON.stringify(listed)).not.toContain('lib-secret-key-123');
    t.service.ctx.registry.unregister('lib-http');
    expect((await call('GET', '/api/admin/siem/health', platform)).json().total).toBe(5);
  });
});

describe('a broken connectors file never stops the service', () => {
  for (const [name, content] of [
    ['connectors.json', '{"connectors": [{"connector_id": "x", "config": {"token": "leaked-if-quoted"}'],
    ['connectors.yaml', 'connectors:\n  - {connector_id: x, token: leaked-if-quoted: y}\n'],
    ['missing.json', undefined],
  ] as const) {
    it(`starts with an empty registry and one error line for ${content === undefined ? 'a missing file' : name}`, async () => {
      const dir = tempDir();
      const file = join(dir, name);
      if (content !== undefined) writeFileSync(file, content);
      const t = await startTestService(storeBackends[0], { settings: { connectorsFile: file } });
      try {
        const platform = await t.token({ platformAdmin: true });
        const res = await t.service.app.inject({ method: 'GET', url: '/api/admin/siem/connectors', headers: { authorization: `Bearer ${platform}` } });
        expect(res.json()).toEqual({ connectors: [], total: 0 });
        expect((await t.service.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
        const errors = t.logs.map((l) => JSON.parse(l)).filter((l) => l.level === 50);
        expect(errors).toHaveLength(1);
        expect(errors[0].msg).toMatch(/^SIEM_CONNECTORS_FILE ignored, no global connectors loaded: /);
        expect(t.logs.join('\n')).not.toContain('leaked-if-quoted');
      } finally {
        await t.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe.each(storeBackends)('failure details of global connectors on $name', (backend) => {
  const SECRET = 'global-webhook-secret-0123456789';
  let t: TestService;
  let collector: Collector;
  let platform: string;
  const dir = tempDir();

  beforeAll(async () => {
    collector = await startCollector();
    const file = join(dir, 'connectors.json');
    writeFileSync(file, JSON.stringify({ connectors: [{ connector_id: 'echo', display_name: 'Echoing webhook', connector_type: 'http', config: { url: collector.url, api_key: SECRET } }] }));
    t = await startTestService(backend, { settings: { connectorsFile: file, flushIntervalMs: 50 }, service: { delivery: { options: FAST_DELIVERY } } });
    platform = await t.token({ platformAdmin: true, orgId: undefined, orgSlug: undefined, role: undefined });
  });
  afterAll(async () => {
    await t?.dispose();
    await collector?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const entry = async () => {
    const res = await t.service.app.inject({ method: 'GET', url: '/api/admin/siem/connectors', headers: { authorization: `Bearer ${platform}` } });
    return res.json().connectors.find((c: { connector_id: string }) => c.connector_id === 'echo');
  };
  const publishOne = async () => {
    const writer = await t.token({ scope: 'events:write' });
    const res = await t.service.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${writer}` }, payload: authEvents(1) });
    expect(res.statusCode).toBe(202);
  };

  it('shows failure_count, last_error (redacted), test and delivery times to operators', async () => {
    // The receiver echoes the credential it was sent, as many do.
    collector.respond = (req) => ({ status: 400, body: JSON.stringify({ error: `rejected ${req.authorization}` }) });
    const tested = await t.service.app.inject({ method: 'POST', url: '/api/admin/siem/test/echo', headers: { authorization: `Bearer ${platform}` } });
    expect(tested.json()).toMatchObject({ success: false });
    const afterTest = await entry();
    expect(afterTest).toMatchObject({ status: 'degraded', failure_count: 1, last_test_result: 'failure', last_delivery_at: null, last_successful_batch_at: null });
    expect(new Date(afterTest.last_test_at).toISOString()).toBe(afterTest.last_test_at);
    expect(afterTest.last_error).toMatch(/400/);
    expect(afterTest.last_error).toContain('[REDACTED]');

    // A delivery the receiver rejects is a failure too, with its own time.
    await publishOne();
    await eventually(async () => (await entry()).failure_count === 2, 'the rejected delivery counted');
    const afterDelivery = await entry();
    expect(afterDelivery.last_error).toMatch(/^rejected by the SIEM \(400\)/);
    expect(afterDelivery.last_delivery_at).not.toBeNull();
    expect(afterDelivery.last_test_at).toBe(afterTest.last_test_at);

    collector.respond = undefined;
    await publishOne();
    await eventually(async () => (await entry()).status === 'healthy', 'healthy after a delivery');
    expect(await entry()).toMatchObject({ failure_count: 0, last_error: null, last_test_result: 'failure' });
    expect((await entry()).last_successful_batch_at).not.toBeNull();

    const everything = [JSON.stringify(afterTest), JSON.stringify(afterDelivery), t.logs.join('\n')].join('\n');
    expect(everything).not.toContain(SECRET);
  }, 30_000);
});
