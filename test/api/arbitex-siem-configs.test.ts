import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

const splunkBody = {
  connector_type: 'splunk_hec',
  config: { url: 'https://splunk.example.com:8088', token: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', index: 'arbitex_audit' },
  is_enabled: true,
};

describe.each(storeBackends)('Arbitex surface on $name', (backend) => {
  let t: TestService;
  let admin: string;
  beforeAll(async () => {
    t = await startTestService(backend);
    admin = await t.token();
  });
  afterAll(async () => t?.dispose());

  const call = (method: string, url: string, token: string | undefined, payload?: unknown) =>
    t.service.app.inject({ method: method as never, url, headers: token ? { authorization: `Bearer ${token}` } : {}, payload: payload as never });

  it('creates (201) with the seed shape and the decrypted config', async () => {
    const res = await call('POST', '/v1/org/siem-configs', admin, splunkBody);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      org_id: 'org-1',
      connector_type: 'splunk_hec',
      config: splunkBody.config,
      is_enabled: true,
      last_delivery_at: null,
      delivery_status: 'healthy',
    });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    for (const k of ['id', 'org_id', 'connector_type', 'config', 'is_enabled', 'created_at', 'updated_at', 'last_delivery_at', 'delivery_status']) {
      expect(body).toHaveProperty(k);
    }
    expect(new Date(body.created_at).toISOString()).toBe(body.created_at);
  });

  it('lists newest first as a bare array, gets one, updates only given fields, deletes with 204', async () => {
    const a = (await call('POST', '/v1/org/siem-configs', admin, { ...splunkBody, name: 'first' })).json();
    await new Promise((r) => setTimeout(r, 5));
    const b = (
      await call('POST', '/v1/org/siem-configs', admin, {
        connector_type: 'datadog',
        config: { api_key: 'dd-key-0123456789abcdef', site: 'datadoghq.eu', service: 'arbitex' },
        is_enabled: false,
      })
    ).json();
    expect(b.delivery_status).toBe('paused');
    const list = (await call('GET', '/v1/org/siem-configs', admin)).json();
    expect(Array.isArray(list)).toBe(true);
    const ids = list.map((c: { id: string }) => c.id);
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));

    const got = await call('GET', `/v1/org/siem-configs/${a.id}`, admin);
    expect(got.statusCode).toBe(200);
    expect(got.json().name).toBe('first');

    const put = await call('PUT', `/v1/org/siem-configs/${a.id}`, admin, { is_enabled: false });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ is_enabled: false, config: splunkBody.config, delivery_status: 'paused', name: 'first' });

    const newConfig = { url: 'https://splunk2.example.com:8088', token: 'new-token-value' };
    const put2 = await call('PUT', `/v1/org/siem-configs/${a.id}`, admin, { config: newConfig, is_enabled: true });
    expect(put2.json().config).toEqual(newConfig); // replaced whole: index is gone
    expect(put2.json().is_enabled).toBe(true);

    const nulls = await call('PUT', `/v1/org/siem-configs/${a.id}`, admin, { config: null, is_enabled: null, name: 'renamed' });
    expect(nulls.json()).toMatchObject({ config: newConfig, is_enabled: true, name: 'renamed' });

    expect((await call('DELETE', `/v1/org/siem-configs/${a.id}`, admin)).statusCode).toBe(204);
    expect((await call('GET', `/v1/org/siem-configs/${a.id}`, admin)).statusCode).toBe(404);
    expect((await call('DELETE', `/v1/org/siem-configs/${a.id}`, admin)).statusCode).toBe(404);
  });

  it('answers 422 in FastAPI shape for unknown connector_type, missing and unknown fields, bad URLs and batch_size', async () => {
    const unknownType = await call('POST', '/v1/org/siem-configs', admin, { connector_type: 'syslog', config: {} });
    expect(unknownType.statusCode).toBe(422);
    expect(unknownType.json().detail[0]).toMatchObject({ loc: ['body', 'connector_type'], type: 'enum' });

    const missing = await call('POST', '/v1/org/siem-configs', admin, { connector_type: 'splunk_hec', config: { url: 'https://s.example.com' } });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().detail).toContainEqual(expect.objectContaining({ loc: ['body', 'config', 'token'], type: 'missing' }));

    const extra = await call('POST', '/v1/org/siem-configs', admin, { connector_type: 'splunk_hec', config: { ...splunkBody.config, tokn: 'x' } });
    expect(extra.statusCode).toBe(422);
    expect(extra.json().detail).toContainEqual(expect.objectContaining({ loc: ['body', 'config', 'tokn'], type: 'extra_forbidden' }));

    const scheme = await call('POST', '/v1/org/siem-configs', admin, { connector_type: 'splunk_hec', config: { ...splunkBody.config, url: 'ftp://splunk.example.com' } });
    expect(scheme.statusCode).toBe(422);
    expect(scheme.json().detail[0].loc).toEqual(['body', 'config', 'url']);

    const wrongType = await call('POST', '/v1/org/siem-configs', admin, { ...splunkBody, is_enabled: 'yes' });
    expect(wrongType.statusCode).toBe(422);
    expect(wrongType.json().detail[0].loc).toEqual(['body', 'is_enabled']);

    for (const batch of [0, 10_001, 1.5]) {
      const r = await call('POST', '/v1/org/siem-configs', admin, { ...splunkBody, batch_size: batch });
      expect(r.statusCode).toBe(422);
      expect(r.json().detail[0].loc).toEqual(['body', 'batch_size']);
    }
    const noConfig = await call('POST', '/v1/org/siem-configs', admin, { connector_type: 'splunk_hec' });
    expect(noConfig.statusCode).toBe(422);
    expect(noConfig.json().detail[0].loc).toEqual(['body', 'config']);
  });

  it('validates every connector type with its own schema', async () => {
    const valid: Record<string, Record<string, unknown>> = {
      splunk_hec: splunkBody.config,
      datadog: { api_key: 'dd-key-0123456789abcdef' },
      elastic: { host: 'https://elastic.example.com:9200', api_key: 'aWQ6a2V5', index: 'arbitex-audit' },
      sentinel: {
        tenant_id: '11111111-2222-3333-4444-555555555555',
        client_id: '66666666-7777-8888-9999-000000000000',
        client_secret: 'sec',
        dce_url: 'https://dce-1.westeurope-1.ingest.monitor.azure.com',
        dcr_immutable_id: 'dcr-0123456789abcdef0123456789abcdef',
        stream_name: 'Custom-Ocsf',
      },
      sumo_logic: { url: 'https://endpoint1.collection.sumologic.com/receiver/v1/http/abcDEF123' },
      cortex_xsiam: { url: 'https://api-acme.xdr.us.paloaltonetworks.com', api_key: 'k', api_key_id: '1' },
      qradar: { host: 'https://qradar.example.com', token: 't', log_source_id: 12345 },
      http: { url: 'https://collector.example.com/ingest', api_key: 'k' },
    };
    for (const [type, config] of Object.entries(valid)) {
      const ok = await call('POST', '/v1/org/siem-configs', admin, { connector_type: type, config });
      expect(ok.statusCode, `${type}: ${ok.body}`).toBe(201);
      const bad = await call('POST', '/v1/org/siem-configs', admin, { connector_type: type, config: { ...config, not_a_field: 1 } });
      expect(bad.statusCode, type).toBe(422);
      const empty = await call('POST', '/v1/org/siem-configs', admin, { connector_type: type, config: {} });
      expect(empty.statusCode, type).toBe(422);
    }
  });

  it('accepts the legacy Sentinel form with a retirement warning', async () => {
    const res = await call('POST', '/v1/org/siem-configs', admin, {
      connector_type: 'sentinel',
      config: { workspace_id: '11111111-2222-3333-4444-555555555555', shared_key: Buffer.alloc(64, 1).toString('base64'), log_type: 'ArbitexAudit' },
    });
    expect(res.statusCode).toBe(201);
    const warning = res.json().warnings.join(' ');
    expect(warning).toMatch(/2026-09-14/);
    expect(warning).toMatch(/Logs Ingestion/);
  });

  it('keeps organisations apart: another org gets 404 on every route and verb', async () => {
    const mine = (await call('POST', '/v1/org/siem-configs', admin, splunkBody)).json();
    const other = await t.token({ orgId: 'org-2', orgSlug: 'globex' });
    for (const [method, url, payload] of [
      ['GET', `/v1/org/siem-configs/${mine.id}`],
      ['PUT', `/v1/org/siem-configs/${mine.id}`, { is_enabled: false }],
      ['DELETE', `/v1/org/siem-configs/${mine.id}`],
      ['POST', `/v1/org/siem-configs/${mine.id}/test`],
      ['GET', `/v1/org/siem-configs/${mine.id}/audit`],
    ] as const) {
      const r = await call(method, url, other, payload);
      expect(r.statusCode, `${method} ${url}`).toBe(404);
      expect(r.body).not.toContain('splunk.example.com');
    }
    const list = (await call('GET', '/v1/org/siem-configs', other)).json();
    expect(list.find((c: { id: string }) => c.id === mine.id)).toBeUndefined();
    expect((await call('GET', `/v1/org/siem-configs/${mine.id}`, admin)).json().is_enabled).toBe(true);
  });

  it('records an audit trail of who changed which fields, never secret values', async () => {
    const created = (await call('POST', '/v1/org/siem-configs', admin, splunkBody)).json();
    const other = await t.token({ sub: 'bob' });
    await call('PUT', `/v1/org/siem-configs/${created.id}`, other, { config: { ...splunkBody.config, token: 'rotated-secret-token' } });
    await call('PUT', `/v1/org/siem-configs/${created.id}`, other, { is_enabled: false });
    await call('PUT', `/v1/org/siem-configs/${created.id}`, other, { is_enabled: true });
    await call('DELETE', `/v1/org/siem-configs/${created.id}`, admin);
    const res = await call('GET', `/v1/org/siem-configs/${created.id}/audit`, admin);
    expect(res.statusCode).toBe(200);
    const entries = res.json();
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['create', 'update', 'disable', 'enable', 'delete']);
    expect(entries[1]).toMatchObject({ actor: 'bob', changed_fields: ['config.token'] });
    expect(res.body).not.toContain('rotated-secret-token');
    expect(res.body).not.toContain(splunkBody.config.token);
  });

  it('masks secrets (last 4 characters) when SIEM_REVEAL_SECRETS=false', async () => {
    const masked = await startTestService(backend, { settings: { revealSecrets: false } });
    try {
      const token = await masked.token();
      const res = await masked.service.app.inject({ method: 'POST', url: '/v1/org/siem-configs', headers: { authorization: `Bearer ${token}` }, payload: splunkBody });
      expect(res.statusCode).toBe(201);
      expect(res.json().config.token).toBe('****xxxx');
      expect(res.json().config.url).toBe(splunkBody.config.url);
      expect(res.body).not.toContain(splunkBody.config.token);
    } finally {
      await masked.dispose();
    }
  });
});
