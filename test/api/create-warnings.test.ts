/**
 * Saving a config asks the egress policy about its targets: a target it refuses for certain is a 422 naming the
 * field; a doubtful one (a name that does not resolve, or resolves partly to refused addresses) is saved with a
 * warning — in the Arbitex body's `warnings`, in `Warning` headers on the AuthOS surface (its body keeps the seed
 * shape). Names resolve through a local table; lookups are bounded in time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/security/egress-guard.ts';
import { EGRESS_PRECHECK_DNS_TIMEOUT_MS } from '../../src/siem-configs/egress-precheck.ts';
import { storeBackends } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

const TOKEN = 'f3b0c442-98fc-1c14-9afb-0123456789ab';
const table: Record<string, string[]> = {
  'public.test': ['93.184.216.34'],
  'intranet.test': ['10.1.2.3', '192.168.0.9'],
  'mixed.test': ['93.184.216.34', '10.0.0.5'],
  'allowed.test': ['10.9.9.9'],
};
const asked: string[] = [];
const resolver: Resolver = async (host) => {
  asked.push(host);
  if (host === 'slow.test') return new Promise(() => {});
  const addresses = table[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: 4 as const }));
};

describe.each(storeBackends)('egress checks when a config is saved, on $name', (backend) => {
  let t: TestService;
  let admin: string;
  beforeAll(async () => {
    // No loopback allowance here: only allowed.test may be reached although private.
    t = await startTestService(backend, { settings: { egressAllow: 'allowed.test' }, service: { resolver } });
    admin = await t.token();
  });
  afterAll(async () => t?.dispose());

  const call = (method: 'POST' | 'PUT' | 'GET', url: string, payload?: unknown) =>
    t.service.app.inject({ method, url, headers: { authorization: `Bearer ${admin}` }, ...(payload !== undefined && { payload: payload as object }) });
  const splunk = (url: string, extra: Record<string, unknown> = {}) => ({ connector_type: 'splunk_hec', config: { url, token: TOKEN, ...extra } });

  it.each([
    ['an IP literal in a refused range', 'https://10.0.0.5:8088', 'refused egress to 10.0.0.5 (private, RFC 1918); set SIEM_EGRESS_ALLOW to allow it'],
    ['an IPv6 form embedding a refused IPv4', 'https://[64:ff9b::7f00:1]:8088', 'refused egress to 64:ff9b::7f00:1 (NAT64 64:ff9b::/96, RFC 6052, embeds 127.0.0.1: loopback, RFC 1122)'],
    ['a name resolving only to refused addresses', 'https://intranet.test:8088', 'refused egress to 10.1.2.3 (private, RFC 1918) for host intranet.test'],
    ['plain http to a host that is not allowed', 'http://public.test:8088', 'refused egress to 93.184.216.34 port 8088 (plain http/tcp without TLS) for host public.test'],
  ])('refuses %s with a 422 naming the field', async (_what, url, message) => {
    const res = await call('POST', '/v1/org/siem-configs', splunk(url));
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toEqual([{ loc: ['body', 'config', 'url'], msg: expect.stringContaining(message), type: 'egress_refused' }]);
    expect(res.json().detail[0].msg).toMatch(/^The egress policy refuses this target: /);
    expect(res.body).not.toContain(TOKEN);
  });

  it('saves a config whose name does not resolve, with a warning (not stored: GET shows none)', async () => {
    const res = await call('POST', '/v1/org/siem-configs', splunk('https://nowhere.test:8088'));
    expect(res.statusCode).toBe(201);
    expect(res.json().warnings).toEqual(['config.url: could not resolve nowhere.test (ENOTFOUND); saved anyway, but nothing is delivered until it resolves']);
    expect((await call('GET', `/v1/org/siem-configs/${res.json().id}`)).json().warnings).toEqual([]);
  });

  it('saves a config whose name resolves partly to refused addresses, with a warning', async () => {
    const res = await call('POST', '/v1/org/siem-configs', splunk('https://mixed.test:8088'));
    expect(res.statusCode).toBe(201);
    expect(res.json().warnings).toEqual([
      'config.url: mixed.test also resolves to 10.0.0.5 (private, RFC 1918), which the egress policy refuses: deliveries fail while it does; set SIEM_EGRESS_ALLOW to allow it',
    ]);
  });

  it('bounds the DNS lookup: a resolver that never answers is a warning after the timeout', async () => {
    const started = Date.now();
    const res = await call('POST', '/v1/org/siem-configs', splunk('https://slow.test:8088'));
    expect(res.statusCode).toBe(201);
    expect(res.json().warnings).toEqual([
      `config.url: could not resolve slow.test within ${EGRESS_PRECHECK_DNS_TIMEOUT_MS} ms; saved anyway, but nothing is delivered until it resolves`,
    ]);
    expect(Date.now() - started).toBeLessThan(EGRESS_PRECHECK_DNS_TIMEOUT_MS + 2000);
  });

  it('accepts public TLS targets and allowed ones without warnings', async () => {
    for (const url of ['https://public.test:8088', 'https://allowed.test:8088', 'http://allowed.test:8088']) {
      const res = await call('POST', '/v1/org/siem-configs', splunk(url));
      expect(res.statusCode, url).toBe(201);
      expect(res.json().warnings, url).toEqual([]);
    }
  });

  it('names the field of other connectors: a QRadar syslog host over plain TCP, a Sentinel authority', async () => {
    const qradar = await call('POST', '/v1/org/siem-configs', { connector_type: 'qradar', config: { host: 'public.test', transport: 'syslog_tcp' } });
    expect(qradar.statusCode).toBe(422);
    expect(qradar.json().detail).toEqual([
      { loc: ['body', 'config', 'host'], msg: expect.stringContaining('refused egress to 93.184.216.34 port 514 (plain http/tcp without TLS) for host public.test'), type: 'egress_refused' },
    ]);
    const sentinel = await call('POST', '/v1/org/siem-configs', {
      connector_type: 'sentinel',
      config: {
        tenant_id: '11111111-2222-3333-4444-555555555555',
        client_id: '66666666-7777-8888-9999-000000000000',
        client_secret: 'sec',
        dce_url: 'https://public.test',
        dcr_immutable_id: 'dcr-0123456789abcdef0123456789abcdef',
        stream_name: 'Custom-Ocsf',
        authority_url: 'https://169.254.169.254',
      },
    });
    expect(sentinel.statusCode).toBe(422);
    expect(sentinel.json().detail[0]).toMatchObject({ loc: ['body', 'config', 'authority_url'], msg: expect.stringContaining('169.254.169.254 (link-local / cloud metadata, RFC 3927)') });
  });

  it('checks an update only when it changes where the config sends', async () => {
    const created = (await call('POST', '/v1/org/siem-configs', splunk('https://public.test:8088'))).json();
    const toPrivate = await call('PUT', `/v1/org/siem-configs/${created.id}`, splunk('https://10.0.0.5:8088'));
    expect(toPrivate.statusCode).toBe(422);
    expect(toPrivate.json().detail[0].loc).toEqual(['body', 'config', 'url']);
    expect((await call('GET', `/v1/org/siem-configs/${created.id}`)).json().config.url).toBe('https://public.test:8088');

    const moved = await call('PUT', `/v1/org/siem-configs/${created.id}`, splunk('https://nowhere.test:8088'));
    expect(moved.statusCode).toBe(200);
    expect(moved.json().warnings).toEqual([expect.stringMatching(/^config\.url: could not resolve nowhere\.test/)]);

    asked.length = 0;
    const renamed = await call('PUT', `/v1/org/siem-configs/${created.id}`, splunk('https://nowhere.test:8088', { index: 'main' }));
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().warnings).toEqual([]);
    expect(asked).toEqual([]);
  });

  describe('AuthOS surface', () => {
    const base = '/api/organizations/acme-corp/siem-configs';
    const seedKeys = ['id', 'org_id', 'name', 'provider_type', 'endpoint_url', 'batch_size', 'enabled', 'last_successful_batch_at', 'failure_count', 'created_at'].sort();

    it('keeps the seed body and says the warning in a Warning header', async () => {
      const res = await call('POST', base, { name: 'Splunk', provider_type: 'Splunk', endpoint_url: 'https://nowhere.test:8088', api_key: TOKEN });
      expect(res.statusCode).toBe(201);
      expect(Object.keys(res.json()).sort()).toEqual(seedKeys);
      expect(res.headers.warning).toBe('199 siemstream "config.url: could not resolve nowhere.test (ENOTFOUND); saved anyway, but nothing is delivered until it resolves"');

      const clean = await call('POST', base, { name: 'Splunk', provider_type: 'Splunk', endpoint_url: 'https://public.test:8088', api_key: TOKEN });
      expect(clean.statusCode).toBe(201);
      expect(clean.headers.warning).toBeUndefined();

      const moved = await call('PUT', `${base}/${clean.json().id}`, { endpoint_url: 'https://mixed.test:8088', api_key: TOKEN });
      expect(moved.statusCode).toBe(200);
      expect(Object.keys(moved.json()).sort()).toEqual(seedKeys);
      expect(moved.headers.warning).toMatch(/^199 siemstream "config\.url: mixed\.test also resolves to 10\.0\.0\.5/);
    });

    it('answers 422 naming endpoint_url where the policy refuses the target', async () => {
      const res = await call('POST', base, { name: 'Custom', provider_type: 'Custom', endpoint_url: 'http://public.test/ingest' });
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'SIEM_ERR_VALIDATION' });
      expect(res.json().error.details).toEqual([
        { loc: ['body', 'endpoint_url'], msg: expect.stringContaining('(plain http/tcp without TLS) for host public.test'), type: 'egress_refused' },
      ]);
    });

    it('documents the Warning header in OpenAPI', async () => {
      const spec = (await t.service.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const create = spec.paths['/api/organizations/{org_slug}/siem-configs'].post.responses['201'];
      expect(create.headers.Warning).toMatchObject({ schema: { type: 'string' } });
    });
  });
});
