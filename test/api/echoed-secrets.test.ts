/**
 * Receivers that echo the credentials they were sent in their error answers ("invalid token Splunk abc…", plus
 * base64, URL-encoded and JSON-escaped copies): nothing derived from those answers shows or stores a credential —
 * not the test answers of either surface or of a global connector, not last_error, /stats, dead letters, the
 * registry's state, the logs or the database — for Splunk HEC, Elasticsearch Basic auth, Datadog, an HTTP
 * custom auth_header and a Sentinel OAuth access token.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/connectors/shared/secret-redactor.ts';
import { startLoopbackServer, type LoopbackServer, type RecordedRequest } from '../connectors/shared/loopback-server.ts';
import { authEvents, eventually, FAST_DELIVERY } from '../pipeline/delivery/harness.ts';
import { databaseDump } from '../helpers/database-dump.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { storeBackends, tempDir } from '../helpers/stores.ts';

const SPLUNK_TOKEN = '3c1a9e4f-7b2d-4c8e-9f0a-5d6b7c8e9f01';
const GLOBAL_TOKEN = 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e';
const ES_USER = 'svc-siem';
const ES_PASSWORD = 'pa ss/w+rd"\\é-0123';
const DD_KEY = 'dd/key+value=0123456789abcdef';
const HEADER_VALUE = 'custom "secret" value/0123';
const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.access-token-for-sentinel.sig';
const CLIENT_SECRET = 'entra~client~secret~0123456789';

const SECRETS = [SPLUNK_TOKEN, GLOBAL_TOKEN, ES_PASSWORD, `${ES_USER}:${ES_PASSWORD}`, DD_KEY, HEADER_VALUE, ACCESS_TOKEN, CLIENT_SECRET];
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
/** Each secret as a receiver may echo it. */
const FORMS = SECRETS.flatMap((s) => [s, b64(s), b64(s).replace(/=+$/, ''), encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]);

function expectNoSecret(text: string, where: string): void {
  for (const form of FORMS) expect(text.includes(form), `${JSON.stringify(form)} in ${where}`).toBe(false);
}

/** Every credential the request carried, in the forms receivers echo them in (the decoded Basic pair too). */
function echo(req: RecordedRequest): string {
  const values = ['authorization', 'dd-api-key', 'x-custom-auth'].map((h) => req.headers[h]).filter((v): v is string => typeof v === 'string');
  const basic = values.find((v) => v.startsWith('Basic '));
  if (basic) values.push(Buffer.from(basic.slice(6), 'base64').toString('utf8'));
  const form = new URLSearchParams(req.body.toString('utf8')).get('client_secret');
  if (form) values.push(form);
  return `rejected credentials: ${values.flatMap((v) => [v, b64(v), encodeURIComponent(v), JSON.stringify(v)]).join(' | ')}`;
}

describe.each(storeBackends)('credentials echoed by a SIEM on $name', (backend) => {
  let t: TestService;
  let receiver: LoopbackServer;
  let token: string;
  const dir = tempDir();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    receiver = await startLoopbackServer((req, res) => {
      // The Entra token endpoint hands out a token; everything else refuses, echoing what it got.
      if (req.url.endsWith('/oauth2/v2.0/token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: ACCESS_TOKEN }));
        return;
      }
      res.writeHead(req.method === 'GET' ? 401 : 400, { 'content-type': 'text/plain' });
      res.end(echo(req));
    });
    const url = `http://127.0.0.1:${receiver.port}`;
    const file = join(dir, 'connectors.json');
    writeFileSync(file, JSON.stringify({ connectors: [{ connector_id: 'echo-global', display_name: 'Echo', connector_type: 'splunk_hec', config: { url, token: GLOBAL_TOKEN } }] }));
    t = await startTestService(backend, { settings: { connectorsFile: file, testRateLimitPerMinute: 1000 }, service: { delivery: { options: FAST_DELIVERY } } });
    token = await t.token();

    const create = async (body: Record<string, unknown>, path = '/v1/org/siem-configs') => {
      const res = await call('POST', path, body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    ids.splunk = await create({ name: 'Splunk', provider_type: 'Splunk', endpoint_url: url, api_key: SPLUNK_TOKEN }, '/api/organizations/acme-corp/siem-configs');
    ids.elastic = await create({ connector_type: 'elastic', config: { host: url, username: ES_USER, password: ES_PASSWORD } });
    ids.datadog = await create({ name: 'Datadog', provider_type: 'Datadog', endpoint_url: `${url}/api/v2/logs`, api_key: DD_KEY }, '/api/organizations/acme-corp/siem-configs');
    ids.http = await create({ connector_type: 'http', config: { url: `${url}/in`, auth_header: `X-Custom-Auth: ${HEADER_VALUE}` } });
    ids.sentinel = await create({
      connector_type: 'sentinel',
      config: {
        tenant_id: '11111111-2222-3333-4444-555555555555',
        client_id: '66666666-7777-8888-9999-000000000000',
        client_secret: CLIENT_SECRET,
        dce_url: url,
        authority_url: url,
        dcr_immutable_id: 'dcr-0123456789abcdef0123456789abcdef',
        stream_name: 'Custom-Ocsf',
        compression: 'none',
      },
    });
  });
  afterAll(async () => {
    await t?.dispose();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (method: string, url: string, payload?: unknown) => {
    const res = await t.service.app.inject({ method: method as never, url, headers: { authorization: `Bearer ${token}` }, payload: payload as never });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };

  it('test answers of both surfaces and of a global connector say the receiver refused, with the credentials redacted', async () => {
    for (const [name, id] of Object.entries(ids)) {
      const arbitex = await call('POST', `/v1/org/siem-configs/${id}/test`);
      expect(arbitex.status, `${name}: ${JSON.stringify(arbitex.body)}`).toBe(200);
      expect(arbitex.body.success).toBe(false);
      expect(arbitex.body.error, name).toContain(`rejected credentials: `);
      expect(arbitex.body.error, name).toContain(REDACTED);
      expectNoSecret(arbitex.body.error, `${name} Arbitex test answer`);
      expectNoSecret((await call('GET', `/v1/org/siem-configs/${id}`)).body.last_error, `${name} last_error after the test`);
    }
    for (const name of ['splunk', 'datadog']) {
      const authos = await call('POST', `/api/organizations/acme-corp/siem-configs/${ids[name]}/test`);
      expect(authos.body).toMatchObject({ success: false, message: expect.stringContaining(REDACTED) });
      expectNoSecret(authos.body.message, `${name} AuthOS test answer`);
    }
    const platform = await t.token({ platformAdmin: true, orgId: undefined, orgSlug: undefined, role: undefined });
    const global = await t.service.app.inject({ method: 'POST', url: '/api/admin/siem/test/echo-global', headers: { authorization: `Bearer ${platform}` } });
    expect(global.json()).toMatchObject({ success: false, error: expect.stringContaining(REDACTED) });
    expectNoSecret(global.body, 'global connector test answer');
    expectNoSecret(JSON.stringify(t.service.ctx.registry.get('echo-global')), 'registry state');
  });

  it('delivery: last_error, /stats, dead letters, the logs and the database hold no credential', async () => {
    const writer = await t.token({ scope: 'events:write' });
    const res = await t.service.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${writer}` }, payload: authEvents(3) });
    expect(res.statusCode).toBe(202);
    for (const [name, id] of Object.entries(ids)) {
      await eventually(async () => (await call('GET', `/v1/org/siem-configs/${id}/dead-letters`)).body.total >= 3, `${name} dead letters`, 20_000);
      const letters = await call('GET', `/v1/org/siem-configs/${id}/dead-letters`);
      for (const item of letters.body.items) {
        expect(`${item.reason} ${item.response_text}`, name).toContain(REDACTED);
        expectNoSecret(`${item.reason} ${item.response_text}`, `${name} dead letter`);
      }
      await eventually(async () => ((await call('GET', `/v1/org/siem-configs/${id}/stats`)).body.last_error ?? '').includes('rejected'), `${name} last_error`);
      const stats = await call('GET', `/v1/org/siem-configs/${id}/stats`);
      expect(stats.body.last_error, name).toContain(REDACTED);
      expectNoSecret(stats.body.last_error, `${name} /stats last_error`);
      expectNoSecret(JSON.stringify((await call('GET', `/v1/org/siem-configs/${id}`)).body.last_error), `${name} config last_error`);
    }
    await eventually(() => (t.service.ctx.registry.get('echo-global')?.lastError ?? '').includes('rejected by the SIEM'), 'global connector dead-lettered');
    expectNoSecret(JSON.stringify(t.service.ctx.registry.get('echo-global')), 'registry state after delivery');

    const dump = await databaseDump(t);
    expect(dump).toContain(REDACTED);
    expectNoSecret(dump, 'the database');
    expectNoSecret(t.logs.join('\n'), 'the logs');
  });
});
