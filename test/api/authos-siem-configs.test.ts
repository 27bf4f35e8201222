import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

const seedBody = {
  name: 'Production Datadog',
  provider_type: 'Datadog',
  endpoint_url: 'https://http-intake.logs.datadoghq.com/v1/input',
  api_key: 'dd_api_key_here_0123456789',
  batch_size: 100,
};

describe.each(storeBackends)('AuthOS surface on $name', (backend) => {
  let t: TestService;
  let admin: string;
  const base = '/api/organizations/acme-corp/siem-configs';
  beforeAll(async () => {
    t = await startTestService(backend);
    admin = await t.token();
  });
  afterAll(async () => t?.dispose());
  const call = (method: string, url: string, token: string | undefined, payload?: unknown) =>
    t.service.app.inject({ method: method as never, url, headers: token ? { authorization: `Bearer ${token}` } : {}, payload: payload as never });

  it('creates the seed example: 201 with exactly the documented fields, never the api_key', async () => {
    const res = await call('POST', base, admin, seedBody);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(
      ['id', 'org_id', 'name', 'provider_type', 'endpoint_url', 'batch_size', 'enabled', 'last_successful_batch_at', 'failure_count', 'created_at'].sort(),
    );
    expect(body).toMatchObject({
      org_id: 'org-1',
      name: 'Production Datadog',
      provider_type: 'Datadog',
      endpoint_url: 'https://http-intake.logs.datadoghq.com/v1/input',
      batch_size: 100,
      enabled: true,
      last_successful_batch_at: null,
      failure_count: 0,
    });
    expect(res.body).not.toContain(seedBody.api_key);
  });

  it('lists as {siem_configs, total}, gets, updates partially, deletes with 204', async () => {
    const created = (await call('POST', base, admin, { ...seedBody, name: 'To update' })).json();
    const list = await call('GET', base, admin);
    expect(list.statusCode).toBe(200);
    const lb = list.json();
    expect(lb.total).toBe(lb.siem_configs.length);
    const item = lb.siem_configs.find((c: { id: string }) => c.id === created.id);
    expect(Object.keys(item).sort()).toEqual(['created_at', 'enabled', 'endpoint_url', 'id', 'name', 'provider_type'].sort());
    expect(list.body).not.toContain(seedBody.api_key);

    const got = await call('GET', `${base}/${created.id}`, admin);
    expect(got.json()).toEqual(created);

    const put = await call('PUT', `${base}/${created.id}`, admin, { batch_size: 500, enabled: false });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ batch_size: 500, enabled: false, name: 'To update', endpoint_url: seedBody.endpoint_url });

    const del = await call('DELETE', `${base}/${created.id}`, admin);
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect((await call('GET', `${base}/${created.id}`, admin)).statusCode).toBe(404);
  });

  it('maps every provider type case-insensitively and accepts Splunk URLs with or without the collector path', async () => {
    const cases = [
      { provider_type: 'splunk', endpoint_url: 'https://splunk.example.com:8088/services/collector/event', api_key: 'tok-1234567890', expect: 'Splunk' },
      { provider_type: 'SPLUNK', endpoint_url: 'https://splunk.example.com:8088', api_key: 'tok-1234567890', expect: 'Splunk' },
      { provider_type: 'Elastic', endpoint_url: 'https://elastic.example.com:9200', api_key: 'aWQ6a2V5', expect: 'Elastic' },
      { provider_type: 'custom', endpoint_url: 'https://collector.example.com/ingest', auth_header: 'X-API-Key: s3cr3t-value', expect: 'Custom' },
    ];
    for (const c of cases) {
      const res = await call('POST', base, admin, { name: c.provider_type, provider_type: c.provider_type, endpoint_url: c.endpoint_url, api_key: c.api_key, auth_header: c.auth_header });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().provider_type).toBe(c.expect);
      expect(res.json().endpoint_url).toBe(c.endpoint_url);
      expect(res.body).not.toContain('s3cr3t-value');
    }
  });

  it('rejects bad input with a clear error naming the field', async () => {
    const unknown = await call('POST', base, admin, { ...seedBody, provider_type: 'Graylog' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('SIEM_ERR_VALIDATION');
    expect(unknown.json().error.message).toMatch(/provider_type/);

    const noKey = await call('POST', base, admin, { name: 'x', provider_type: 'Splunk', endpoint_url: 'https://s.example.com' });
    expect(noKey.statusCode).toBe(422);
    expect(noKey.json().error.message).toMatch(/api_key/);

    const badUrl = await call('POST', base, admin, { ...seedBody, endpoint_url: 'javascript:alert(1)' });
    expect(badUrl.statusCode).toBe(422);
    expect(badUrl.json().error.message).toMatch(/endpoint_url/);

    const missingName = await call('POST', base, admin, { provider_type: 'Datadog', endpoint_url: seedBody.endpoint_url });
    expect(missingName.statusCode).toBe(422);
    expect(missingName.json().error.message).toMatch(/name/);

    const headerOnDatadog = await call('POST', base, admin, { ...seedBody, auth_header: 'X-Key: v' });
    expect(headerOnDatadog.statusCode).toBe(422);
    expect(headerOnDatadog.json().error.message).toMatch(/auth_header/);
  });

  it('answers 403 for another organisation slug, and shares configs with the Arbitex surface', async () => {
    const other = await call('GET', '/api/organizations/globex/siem-configs', admin);
    expect(other.statusCode).toBe(403);
    const post = await call('POST', '/api/organizations/globex/siem-configs', admin, seedBody);
    expect(post.statusCode).toBe(403);

    const created = (await call('POST', base, admin, { ...seedBody, name: 'Shared' })).json();
    const arbitex = await call('GET', `/v1/org/siem-configs/${created.id}`, admin);
    expect(arbitex.statusCode).toBe(200);
    expect(arbitex.json()).toMatchObject({ connector_type: 'datadog', config: { endpoint_url: seedBody.endpoint_url, api_key: seedBody.api_key }, name: 'Shared' });

    const fromArbitex = (
      await call('POST', '/v1/org/siem-configs', admin, {
        connector_type: 'splunk_hec',
        config: { url: 'https://splunk.example.com:8088', token: 'tok-abcdef123456' },
      })
    ).json();
    const authos = await call('GET', `${base}/${fromArbitex.id}`, admin);
    expect(authos.json()).toMatchObject({ provider_type: 'Splunk', endpoint_url: 'https://splunk.example.com:8088' });
    expect(authos.body).not.toContain('tok-abcdef123456');
  });

  it("answers 404 on every verb for another organisation's config under the caller's own slug", async () => {
    const globex = await t.token({ orgId: 'org-2', orgSlug: 'globex' });
    const theirs = (await call('POST', '/api/organizations/globex/siem-configs', globex, { ...seedBody, name: 'Globex DD' })).json();
    for (const [method, url, payload] of [
      ['GET', `${base}/${theirs.id}`],
      ['PUT', `${base}/${theirs.id}`, { name: 'hijacked' }],
      ['DELETE', `${base}/${theirs.id}`],
      ['POST', `${base}/${theirs.id}/test`],
    ] as const) {
      const res = await call(method, url, admin, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.body).not.toContain('Globex DD');
    }
    expect((await call('GET', `/api/organizations/globex/siem-configs/${theirs.id}`, globex)).json().name).toBe('Globex DD');
  });
});
