/**
 * `Content-Type: application/json` with an empty body (what curl and many clients send on every request) is no
 * body: routes that take none run, routes that need one say that it is missing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

describe.each(storeBackends)('an empty JSON body on $name', (backend) => {
  let t: TestService;
  let siem: Server;
  let siemUrl: string;
  let auth: Record<string, string>;
  let platform: Record<string, string>;
  beforeAll(async () => {
    // A collector that accepts everything: connection tests succeed quickly.
    siem = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')));
    await new Promise<void>((resolve) => siem.listen(0, '127.0.0.1', resolve));
    siemUrl = `http://127.0.0.1:${(siem.address() as AddressInfo).port}/ingest`;
    t = await startTestService(backend, { settings: { testRateLimitPerMinute: 1000 } });
    auth = { authorization: `Bearer ${await t.token()}` };
    platform = { authorization: `Bearer ${await t.token({ orgId: undefined, orgSlug: undefined, platformAdmin: true })}` };
    t.service.ctx.registry.register({ connector_id: 'global-http', display_name: 'Global', connector_type: 'http', config: { url: siemUrl } });
  });
  afterAll(async () => {
    await t?.dispose();
    await new Promise((resolve) => siem?.close(resolve));
  });

  const emptyJson = (o: { method: InjectOptions['method']; url: string; headers?: Record<string, string> }) =>
    t.service.app.inject({ ...o, headers: { ...auth, 'content-type': 'application/json', 'content-length': '0', ...o.headers }, payload: '' });
  const createArbitex = async () =>
    (await t.service.app.inject({ method: 'POST', url: '/v1/org/siem-configs', headers: auth, payload: { connector_type: 'http', config: { url: siemUrl } } })).json().id as string;
  const createAuthos = async () =>
    (
      await t.service.app.inject({
        method: 'POST',
        url: '/api/organizations/acme-corp/siem-configs',
        headers: auth,
        payload: { name: 'n', provider_type: 'Custom', endpoint_url: siemUrl },
      })
    ).json().id as string;

  it('connection tests of both surfaces and of global connectors run', async () => {
    const arbitex = await emptyJson({ method: 'POST', url: `/v1/org/siem-configs/${await createArbitex()}/test` });
    expect(arbitex.statusCode, arbitex.body).toBe(200);
    expect(arbitex.json()).toMatchObject({ success: true, events_sent: 1 });
    const authos = await emptyJson({ method: 'POST', url: `/api/organizations/acme-corp/siem-configs/${await createAuthos()}/test` });
    expect(authos.statusCode, authos.body).toBe(200);
    expect(authos.json()).toMatchObject({ success: true });
    const admin = await emptyJson({ method: 'POST', url: '/api/admin/siem/test/global-http', headers: platform });
    expect(admin.statusCode, admin.body).toBe(200);
    expect(admin.json()).toMatchObject({ connector_id: 'global-http', success: true });
  });

  it('dead-letter replay and purge without a body act on all dead letters', async () => {
    const id = await createArbitex();
    const replay = await emptyJson({ method: 'POST', url: `/v1/org/siem-configs/${id}/dead-letters/replay` });
    expect(replay.statusCode, replay.body).toBe(202);
    expect(replay.json()).toEqual({ config_id: id, requested: 0 });
    const purge = await emptyJson({ method: 'DELETE', url: `/v1/org/siem-configs/${id}/dead-letters` });
    expect(purge.statusCode, purge.body).toBe(200);
    expect(purge.json()).toEqual({ config_id: id, deleted: 0 });
  });

  it('DELETE of a config on both surfaces deletes it', async () => {
    const a = await createArbitex();
    expect((await emptyJson({ method: 'DELETE', url: `/v1/org/siem-configs/${a}` })).statusCode).toBe(204);
    expect((await t.service.app.inject({ method: 'GET', url: `/v1/org/siem-configs/${a}`, headers: auth })).statusCode).toBe(404);
    const b = await createAuthos();
    expect((await emptyJson({ method: 'DELETE', url: `/api/organizations/acme-corp/siem-configs/${b}` })).statusCode).toBe(204);
    expect((await t.service.app.inject({ method: 'GET', url: `/api/organizations/acme-corp/siem-configs/${b}`, headers: auth })).statusCode).toBe(404);
  });

  it('GET routes ignore it', async () => {
    const id = await createArbitex();
    for (const url of ['/v1/org/siem-configs', `/v1/org/siem-configs/${id}`, `/v1/org/siem-configs/${id}/stats`, `/v1/org/siem-configs/${id}/dead-letters`, '/api/organizations/acme-corp/siem-configs']) {
      const res = await emptyJson({ method: 'GET', url });
      expect(res.statusCode, `${url} ${res.body}`).toBe(200);
    }
  });

  it('a route that needs a body says it is missing, on each surface in its shape', async () => {
    const id = await createArbitex();
    for (const [method, url] of [
      ['POST', '/v1/org/siem-configs'],
      ['PUT', `/v1/org/siem-configs/${id}`],
      ['POST', `/v1/org/siem-configs/${id}/replay`],
    ] as const) {
      const res = await emptyJson({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(422);
      expect(res.json()).toEqual({ detail: [{ loc: ['body'], msg: 'Field required: this request needs a JSON body', type: 'missing' }] });
    }
    const authos = await emptyJson({ method: 'POST', url: '/api/organizations/acme-corp/siem-configs' });
    expect(authos.statusCode).toBe(422);
    expect(authos.json().error).toMatchObject({ code: 'SIEM_ERR_VALIDATION', message: 'A JSON body is required', details: [{ loc: ['body'], type: 'missing' }] });
  });

  it('POST /v1/events without a body (no Content-Type at all, or an empty JSON one) says the body is missing', async () => {
    const writer = { authorization: `Bearer ${await t.token({ scope: 'events:write' })}` };
    const none = await t.service.app.inject({ method: 'POST', url: '/v1/events', headers: writer });
    expect(none.statusCode, none.body).toBe(422);
    expect(none.json()).toEqual({ detail: [{ loc: ['body'], msg: 'Field required: this request needs a JSON body', type: 'missing' }] });
    const empty = await emptyJson({ method: 'POST', url: '/v1/events', headers: writer });
    expect(empty.statusCode, empty.body).toBeGreaterThanOrEqual(400);
    expect(empty.statusCode).toBeLessThan(500);
  });

  it('a body that is not JSON is still a decode error, and prototype keys are refused by name', async () => {
    const bad = await t.service.app.inject({ method: 'POST', url: '/v1/org/siem-configs', headers: { ...auth, 'content-type': 'application/json' }, payload: ' ' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().detail[0].type).toBe('json_invalid');
    const proto = await t.service.app.inject({
      method: 'POST',
      url: '/v1/org/siem-configs',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"connector_type":"http","config":{"url":"https://x.example.com"},"__proto__":{"is_enabled":false}}',
    });
    expect(proto.statusCode).toBe(422);
    expect(proto.json().detail[0].msg).toContain('__proto__');
  });
});
