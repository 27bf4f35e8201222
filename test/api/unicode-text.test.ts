/**
 * A lone UTF-16 surrogate ("\ud800" in JSON) has no UTF-8 form: in a secret, any config string (nested, keys
 * included) or a name it is a 422 naming the field on both surfaces, never a 500 or a silently changed value.
 * Well-formed text outside the BMP (a surrogate pair) is stored and returned unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.ts';
import { storeBackends } from '../helpers/stores.ts';

const LONE = 'a\ud800b';

describe.each(storeBackends)('lone surrogates on $name', (backend) => {
  let t: TestService;
  let token: string;
  beforeAll(async () => {
    t = await startTestService(backend);
    token = await t.token();
  });
  afterAll(async () => t?.dispose());

  const call = async (method: string, url: string, payload: unknown) => {
    const res = await t.service.app.inject({
      method: method as never,
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      // JSON.stringify writes a lone surrogate as the escape "\ud800", as a client would send it.
      payload: JSON.stringify(payload),
    });
    return { status: res.statusCode, body: res.json() };
  };

  const arbitexCases: [string, Record<string, unknown>, (string | number)[]][] = [
    ['a secret', { connector_type: 'splunk_hec', config: { url: 'https://s.example.com:8088', token: LONE } }, ['body', 'config', 'token']],
    ['a plain config string', { connector_type: 'splunk_hec', config: { url: 'https://s.example.com:8088', token: 't0k3n-value', index: LONE } }, ['body', 'config', 'index']],
    ['a header value', { connector_type: 'http', config: { url: 'https://c.example.com/x', headers: { 'X-Tenant': LONE } } }, ['body', 'config', 'headers', 'X-Tenant']],
    ['a header name', { connector_type: 'http', config: { url: 'https://c.example.com/x', headers: { [LONE]: 'v' } } }, ['body', 'config', 'headers', 'a\\ud800b']],
    ['a nested field value', { connector_type: 'sumo_logic', config: { url: 'https://e.sumologic.com/receiver/v1/http/abc123', fields: { team: LONE } } }, ['body', 'config', 'fields', 'team']],
    ['Datadog tags', { connector_type: 'datadog', config: { api_key: 'dd-key-0123', tags: `env:${LONE}` } }, ['body', 'config', 'tags']],
    ['the name', { connector_type: 'datadog', name: LONE, config: { api_key: 'dd-key-0123' } }, ['body', 'name']],
  ];

  it.each(arbitexCases)('Arbitex create: %s is a 422 naming it', async (_what, body, loc) => {
    const res = await call('POST', '/v1/org/siem-configs', body);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([{ loc, msg: expect.stringContaining('lone UTF-16 surrogate'), type: 'string_unicode' }]);
  });

  it('Arbitex update: in the config or the name, a 422 naming it; the config is unchanged', async () => {
    const created = await call('POST', '/v1/org/siem-configs', { connector_type: 'splunk_hec', name: 'S', config: { url: 'https://s.example.com:8088', token: 't0k3n-value' } });
    const id = created.body.id;
    const config = await call('PUT', `/v1/org/siem-configs/${id}`, { config: { url: 'https://s.example.com:8088', token: LONE } });
    expect(config.status).toBe(422);
    expect(config.body.detail[0].loc).toEqual(['body', 'config', 'token']);
    const name = await call('PUT', `/v1/org/siem-configs/${id}`, { name: LONE });
    expect(name.status).toBe(422);
    expect(name.body.detail[0].loc).toEqual(['body', 'name']);
    const got = await t.service.app.inject({ method: 'GET', url: `/v1/org/siem-configs/${id}`, headers: { authorization: `Bearer ${token}` } });
    expect(got.json()).toMatchObject({ name: 'S', config: { token: 't0k3n-value' } });
  });

  const authosCases: [string, Record<string, unknown>, string][] = [
    ['api_key', { name: 'D', provider_type: 'Datadog', endpoint_url: 'https://http-intake.logs.datadoghq.com/api/v2/logs', api_key: LONE }, 'api_key'],
    ['endpoint_url', { name: 'D', provider_type: 'Custom', endpoint_url: `https://c.example.com/${LONE}` }, 'endpoint_url'],
    ['auth_header', { name: 'C', provider_type: 'Custom', endpoint_url: 'https://c.example.com/x', auth_header: `X-Key: ${LONE}` }, 'auth_header'],
    ['name', { name: LONE, provider_type: 'Custom', endpoint_url: 'https://c.example.com/x' }, 'name'],
  ];

  it.each(authosCases)('AuthOS create: %s is a 422 naming it', async (_what, body, field) => {
    const res = await call('POST', '/api/organizations/acme-corp/siem-configs', body);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ loc: ['body', field], msg: expect.stringContaining('lone UTF-16 surrogate'), type: 'string_unicode' }]);
  });

  it('AuthOS update: a 422 naming the field', async () => {
    const created = await call('POST', '/api/organizations/acme-corp/siem-configs', { name: 'C', provider_type: 'Custom', endpoint_url: 'https://c.example.com/x' });
    const res = await call('PUT', `/api/organizations/acme-corp/siem-configs/${created.body.id}`, { name: LONE });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].loc).toEqual(['body', 'name']);
  });

  it('a surrogate pair (text outside the BMP) is stored and returned unchanged', async () => {
    const name = 'Prod 😀 SIEM';
    const created = await call('POST', '/v1/org/siem-configs', { connector_type: 'splunk_hec', name, config: { url: 'https://s.example.com:8088', token: 'tök€n-😀-value', index: 'main' } });
    expect(created.status).toBe(201);
    const got = await t.service.app.inject({ method: 'GET', url: `/v1/org/siem-configs/${created.body.id}`, headers: { authorization: `Bearer ${token}` } });
    expect(got.json()).toMatchObject({ name, config: { token: 'tök€n-😀-value' } });
  });

  it('a global connector registered with one is refused naming the field', () => {
    expect(() =>
      t.service.ctx.registry.register({ connector_id: 'x', display_name: 'X', connector_type: 'splunk_hec', config: { url: 'https://s.example.com:8088', token: LONE } }),
    ).toThrow(/config\.token: String should be well-formed Unicode/);
  });
});
