/** The connector registry API (seed 001 "Connector registry API") over a real service with a connectors file. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends, tempDir } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

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

  it('lists connectors exactly in the seed shape, class-like types, non-secret summaries', async () => {
    const res = await call('GET', '/api/admin/siem/connectors', platform);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
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
