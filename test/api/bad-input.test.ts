import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

describe.each(storeBackends)('bad input never yields a 5xx or changes data, on $name', (backend) => {
  let t: TestService;
  let auth: Record<string, string>;
  let existingId: string;
  let existingAuthosId: string;
  beforeAll(async () => {
    t = await startTestService(backend);
    auth = { authorization: `Bearer ${await t.token()}` };
    existingId = (
      await t.service.app.inject({
        method: 'POST',
        url: '/v1/org/siem-configs',
        headers: auth,
        payload: { connector_type: 'splunk_hec', config: { url: 'https://splunk.example.com:8088', token: 'tok-0123456789abcdef' } },
      })
    ).json().id;
    existingAuthosId = (
      await t.service.app.inject({
        method: 'POST',
        url: '/api/organizations/acme-corp/siem-configs',
        headers: auth,
        payload: { name: 'n', provider_type: 'Custom', endpoint_url: 'https://collector.example.com/x', api_key: 'k-0123456789' },
      })
    ).json().id;
  });
  afterAll(async () => t?.dispose());
  const inject = (o: InjectOptions) => t.service.app.inject(o);
  const snapshot = async () => JSON.stringify(await t.service.store.db.selectFrom('siem_configs').selectAll().orderBy('id').execute());

  it('malformed JSON → 422 (Arbitex) / 400-class error (AuthOS), unknown route 404, non-UUID ids 422', async () => {
    const bad = await inject({ method: 'POST', url: '/v1/org/siem-configs', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"connector_type": ' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().detail[0].type).toBe('json_invalid');
    const badAuthos = await inject({ method: 'POST', url: '/api/organizations/acme-corp/siem-configs', headers: { ...auth, 'content-type': 'application/json' }, payload: '[1,' });
    expect(badAuthos.statusCode).toBeGreaterThanOrEqual(400);
    expect(badAuthos.statusCode).toBeLessThan(500);
    expect(badAuthos.json().error.code).toBeDefined();
    expect((await inject({ method: 'GET', url: '/v1/nope', headers: auth })).statusCode).toBe(404);
    expect((await inject({ method: 'PATCH', url: '/v1/org/siem-configs', headers: auth })).statusCode).toBe(404);
    const notUuid = await inject({ method: 'GET', url: "/v1/org/siem-configs/1' OR '1'='1", headers: auth });
    expect(notUuid.statusCode).toBe(422);
    expect(notUuid.json().detail[0].loc).toEqual(['path', 'config_id']);
    const notUuidAuthos = await inject({ method: 'DELETE', url: '/api/organizations/acme-corp/siem-configs/abc', headers: auth });
    expect(notUuidAuthos.statusCode).toBe(422);
    const textBody = await inject({ method: 'POST', url: '/v1/org/siem-configs', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'hello' });
    expect(textBody.statusCode).toBe(415);
  });

  it('bodies over 1 MB → 413 and nothing changes', async () => {
    const before = await snapshot();
    const huge = JSON.stringify({ connector_type: 'http', config: { url: 'https://x.example.com', api_key: 'a'.repeat(1_100_000) } });
    const res = await inject({ method: 'POST', url: '/v1/org/siem-configs', headers: { ...auth, 'content-type': 'application/json' }, payload: huge });
    expect(res.statusCode).toBe(413);
    const put = await inject({ method: 'PUT', url: `/v1/org/siem-configs/${existingId}`, headers: { ...auth, 'content-type': 'application/json' }, payload: huge });
    expect(put.statusCode).toBe(413);
    expect(await snapshot()).toBe(before);
  });

  it('SQL metacharacters and very long strings are stored verbatim or rejected, never executed', async () => {
    const evil = "x'); DROP TABLE siem_configs; --";
    const res = await inject({
      method: 'POST',
      url: '/v1/org/siem-configs',
      headers: auth,
      payload: { connector_type: 'splunk_hec', name: evil, config: { url: 'https://splunk.example.com', token: 'tok-0123456789', index: evil, source: evil } },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: evil, config: { index: evil, source: evil } });
    const long = await inject({ method: 'POST', url: '/v1/org/siem-configs', headers: auth, payload: { connector_type: 'splunk_hec', name: 'n'.repeat(10_000), config: { url: 'https://s.example.com', token: 't' } } });
    expect(long.statusCode).toBe(422);
    expect(long.json().detail[0].loc).toEqual(['body', 'name']);
    const longUrl = await inject({ method: 'POST', url: '/v1/org/siem-configs', headers: auth, payload: { connector_type: 'splunk_hec', config: { url: `https://${'a'.repeat(5000)}.com`, token: 't' } } });
    expect(longUrl.statusCode).toBe(422);
    expect((await inject({ method: 'GET', url: '/v1/org/siem-configs', headers: auth })).statusCode).toBe(200);
  });

  it('property: random JSON thrown at create and update routes of both surfaces never yields a 5xx', async () => {
    const before = await snapshot();
    const targets = [
      { method: 'POST', url: '/v1/org/siem-configs' },
      { method: 'PUT', url: `/v1/org/siem-configs/${existingId}` },
      { method: 'POST', url: '/api/organizations/acme-corp/siem-configs' },
      { method: 'PUT', url: `/api/organizations/acme-corp/siem-configs/${existingAuthosId}` },
    ];
    const keys = fc.constantFrom('connector_type', 'config', 'is_enabled', 'name', 'batch_size', 'filters', 'provider_type', 'endpoint_url', 'api_key', 'auth_header', 'enabled', 'url', 'token', '__proto__', 'constructor');
    const body = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(keys, fc.jsonValue(), { maxKeys: 6 }),
      fc.record({ connector_type: fc.constantFrom('splunk_hec', 'datadog', 'elastic', 'sentinel', 'sumo_logic', 'cortex_xsiam', 'qradar', 'http', 'x'), config: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 5 }) }),
    );
    let created = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), body, async (target, payload) => {
        const res = await inject({ method: target.method as InjectOptions['method'], url: target.url, headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
        if (res.statusCode === 201) created++;
        expect(res.statusCode, `${target.method} ${target.url} ${JSON.stringify(payload).slice(0, 200)} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
    // Only successful creates/updates may have changed data.
    if (created === 0) {
      const after = JSON.parse(await snapshot()) as { id: string }[];
      expect(after.map((r) => r.id)).toEqual((JSON.parse(before) as { id: string }[]).map((r) => r.id));
    }
  });
});
