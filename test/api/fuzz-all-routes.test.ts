/**
 * Property test over every route (both config surfaces, delivery, admin, events, operations, and paths that are
 * none of these): malformed and hostile bodies, odd content types and encodings, odd query strings, every method,
 * with and without auth, with another organisation's ids. Never a 5xx, never a fault logged; and organisation
 * B's data — configs, audit, dead letters, events, delivery state — is the same afterwards, seen through the API
 * and in the database, while organisation A's tokens did all of this.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterRepo } from '../../src/pipeline/delivery/dead-letter-repo.ts';
import { deliveryDb } from '../../src/pipeline/delivery/tables.ts';
import { storeBackends } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

const ORG_B = 'org-b-6f1c2c1e';
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

/** Keys of every body the API reads, plus prototype keys. */
const KEYS = [
  'connector_type', 'config', 'is_enabled', 'name', 'batch_size', 'filters', 'class_uids', 'min_severity_id',
  'provider_type', 'endpoint_url', 'api_key', 'auth_header', 'enabled', 'url', 'token', 'host', 'port', 'transport',
  'headers', 'format', 'compression', 'verify_ssl', 'timeout_ms', 'hmac_secret', 'ids', 'from', 'to', 'events',
  'type', 'class_uid', 'org_id', 'metadata', 'tenant_uid', 'uid', 'time', 'severity_id', 'user', 'user_id',
  '__proto__', 'constructor', 'prototype', '',
];

/** Number and string literals JSON.parse accepts but code may not expect. */
const ATOMS = [
  '1e400', '-1e400', '18446744073709551616', '-9223372036854775809', '9007199254740993', '-0', '1e-400', '0.5', '1E+2',
  'null', 'true', 'false', '""', '"\\u0000"', '"a\\u0000b"', '"\\ud800"', '"\\udc00x"', '"\\ud83d"', '"${SIEM_JWT_SECRET}"',
  '"enc:v2:k1:AAAA:BBBB:CCCC"', '"****abcd"', '"http://127.0.0.1:1/x"', '"https://collector.example.com/in"',
  '"2026-01-31T12:00:00Z"', '"00000000-0000-0000-0000-000000000000"', `"${'a'.repeat(10_000)}"`, '"Datadog"', '"splunk_hec"',
  '"http"', '"sentinel"', '"qradar"', '"user.login"', `"${ORG_B}"`,
];

const deep = (open: string, inner: string, close: string, n = 10_000) => open.repeat(n) + inner + close.repeat(n);
const DEEP = [
  deep('[', '1', ']'),
  deep('{"a":', '1', '}'),
  `{"connector_type":"http","config":${deep('{"a":', '1', '}')}}`,
  `{"events":[${deep('{"user":', '{}', '}')}]}`,
  `[${deep('[', '{"type":"user.login"}', ']', 5_000)}]`,
  `{"ids":${deep('[', '"x"', ']')}}`,
];

/** JSON-ish text: valid JSON with hostile literals and duplicate keys, and broken JSON. */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...ATOMS),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.string({ maxLength: 30, unit: 'binary' }).map((s) => JSON.stringify(s)),
    fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), tie('value')), { maxLength: 6 })
      .map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

const CONNECTOR_TYPES = ['splunk_hec', 'datadog', 'elastic', 'sentinel', 'sumo_logic', 'cortex_xsiam', 'qradar', 'http'];
const CONFIG_FIELDS = ['url', 'token', 'api_key', 'host', 'index', 'site', 'endpoint_url', 'tenant_id', 'client_id', 'client_secret', 'dce_url', 'dcr_immutable_id', 'stream_name', 'workspace_id', 'shared_key', 'log_type', 'port', 'transport', 'headers', 'format', 'hmac_secret', 'auth_header', 'compression', 'verify_ssl', 'timeout_ms', 'username', 'password', 'log_source_id', 'fields'];
const fieldValue = fc.oneof(fc.constantFrom(...ATOMS), fc.constantFrom('"https://collector.example.com/in"', '"http://127.0.0.1:9/x"', '"tok-0123456789abcdef"', '443', '"gzip"', '"none"', '{"X-A":"b"}'), jsonText);
/** Bodies shaped like the config routes' (and the events route's), with hostile values: they reach deeper code. */
const shapedBody = fc.oneof(
  fc
    .tuple(fc.constantFrom(...CONNECTOR_TYPES), fc.array(fc.tuple(fc.constantFrom(...CONFIG_FIELDS), fieldValue), { maxLength: 6 }), fc.array(fc.tuple(fc.constantFrom('is_enabled', 'name', 'batch_size', 'filters', '__proto__'), fieldValue), { maxLength: 2 }))
    .map(([type, config, extra]) => `{"connector_type":"${type}","config":{"url":"https://collector.example.com/in"${config.map(([k, v]) => `,"${k}":${v}`).join('')}}${extra.map(([k, v]) => `,"${k}":${v}`).join('')}}`),
  fc
    .array(fc.tuple(fc.constantFrom('name', 'provider_type', 'endpoint_url', 'api_key', 'auth_header', 'batch_size', 'enabled'), fieldValue), { maxLength: 5 })
    .map((kv) => `{"name":"n","provider_type":"Custom","endpoint_url":"https://collector.example.com/in"${kv.map(([k, v]) => `,"${k}":${v}`).join('')}}`),
  fc
    .array(fc.array(fc.tuple(fc.constantFrom('type', 'class_uid', 'org_id', 'metadata', 'user', 'time', 'severity_id', 'ip', 'actor', 'id'), fieldValue), { maxLength: 5 }), { maxLength: 4 })
    .map((events) => `[${events.map((kv) => `{"type":"user.login","user":{"user_id":"u"}${kv.map(([k, v]) => `,"${k}":${v}`).join('')}}`).join(',')}]`),
);

const brokenJson = fc.oneof(
  fc.constantFrom('', ' ', '{', '[', '{"a":', '{"a":1,}', '[1,]', 'nul', 'NaN', 'Infinity', "{'a':1}", '{"a":1}{"b":2}', '\u0000', '\ufeff{}', '{"a":"\u0000"}', '{"a":"\n"}'),
  fc.string({ maxLength: 40, unit: 'binary' }),
  jsonText.map((t) => t.slice(0, Math.max(0, t.length - 1))),
);

/** Bytes that are not valid UTF-8 (or not UTF-8 at all) inside otherwise plausible bodies. */
const BYTE_BODIES: Buffer[] = [
  Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","connector_type":"http","config":{"url":"https://collector.example.com/in"}}')]),
  Buffer.concat([Buffer.from('[{"type":"user.login","user":{"user_id":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}}]')]),
  Buffer.concat([Buffer.from('{"ids":["'), Buffer.from([0x00]), Buffer.from('"]}')]),
  Buffer.from('{"connector_type":"http","config":{"url":"https://collector.example.com/in"}}', 'utf16le'),
  Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]),
  gzipSync(Buffer.from('[{"type":"user.login","user":{"user_id":"u-1"}}]')),
];

const CONTENT_TYPES = [
  'application/json', 'application/json', 'application/json', 'application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16',
  'application/json; charset=latin1', 'APPLICATION/JSON', 'application/json;;', 'application/json; boundary="',
  'application/x-ndjson', 'application/ndjson', 'text/plain', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x', 'application/xml', 'application/vnd.api+json', '*/*', 'a/b/c', '',
];
const ENCODINGS = [undefined, undefined, undefined, undefined, 'gzip', 'gzip', 'deflate', 'br', 'identity', 'x-unknown'];
const QUERIES = [
  '', '', '', '?limit=10', '?limit=0', '?limit=1e400', '?offset=18446744073709551616', '?offset=-1', '?state=x', '?state=',
  '?limit=1&limit=2', '?__proto__=1', '?constructor[prototype][x]=1', '?%ff=%fe', '?state=%00', '?limit=%F0%9F%98%80',
  `?a=${'x'.repeat(5000)}`, '?org_id=' + ORG_B, '?limit[]=1', '?&&&=', '?limit=10&offset=5&state=pending',
];

interface Ids {
  aArbitex: string;
  aAuthos: string;
  bArbitex: string;
  bAuthos: string;
}

describe.each(storeBackends)('fuzzing every route on $name', (backend) => {
  let t: TestService;
  let siem: Server;
  let siemUrl: string;
  let ids: Ids;
  let bDeadLetterIds: string[];
  let identities: Record<string, string | undefined>;
  let bAuth: Record<string, string>;
  /** OpenAPI paths × methods, e.g. ['POST', '/v1/org/siem-configs/{config_id}/test']. */
  let routes: [string, string][];

  beforeAll(async () => {
    siem = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')));
    await new Promise<void>((resolve) => siem.listen(0, '127.0.0.1', resolve));
    siemUrl = `http://127.0.0.1:${(siem.address() as AddressInfo).port}/in`;
    // Every name resolves to loopback at once: connection tests to fuzzed hosts end quickly (refused).
    t = await startTestService(backend, { service: { resolver: async () => [{ address: '127.0.0.1', family: 4 }] } });
    const aAdmin = await t.token({ scope: 'events:write' });
    bAuth = { authorization: `Bearer ${await t.token({ orgId: ORG_B, orgSlug: 'beta-corp', sub: 'user-b', scope: 'events:write' })}` };
    identities = {
      none: undefined,
      aAdmin: `Bearer ${aAdmin}`,
      aViewer: `Bearer ${await t.token({ role: 'viewer' })}`,
      aWriterOnly: `Bearer ${await t.token({ role: 'member', scope: 'events:write' })}`,
      // Organisation A's id claiming B's slug: refused, B's slug stays B's.
      aWithBSlug: `Bearer ${await t.token({ orgSlug: 'beta-corp' })}`,
      platform: `Bearer ${await t.token({ orgId: undefined, orgSlug: undefined, platformAdmin: true })}`,
      expired: `Bearer ${await t.token({ expiresInSec: -3600 })}`,
      garbage: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      basic: 'Basic dXNlcjpwYXNz',
      empty: 'Bearer ',
    };
    const a = { authorization: identities.aAdmin! };
    const post = (url: string, headers: Record<string, string>, payload: unknown) => t.service.app.inject({ method: 'POST', url, headers, payload: payload as object });
    const created = async (res: Awaited<ReturnType<typeof post>>) => {
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json().id as string;
    };
    ids = {
      aArbitex: await created(await post('/v1/org/siem-configs', a, { connector_type: 'http', config: { url: siemUrl } })),
      aAuthos: await created(await post('/api/organizations/acme-corp/siem-configs', a, { name: 'A', provider_type: 'Custom', endpoint_url: siemUrl })),
      bArbitex: await created(await post('/v1/org/siem-configs', bAuth, { connector_type: 'http', is_enabled: false, name: 'B', config: { url: siemUrl, api_key: 'b-secret-0123456789' } })),
      bAuthos: await created(await post('/api/organizations/beta-corp/siem-configs', bAuth, { name: 'B2', provider_type: 'Splunk', endpoint_url: 'https://splunk.example.com:8088', api_key: 'b-hec-0123456789' })),
    };
    // Disabled: B's state stays as set up (no delivery moves it).
    expect((await t.service.app.inject({ method: 'PUT', url: `/api/organizations/beta-corp/siem-configs/${ids.bAuthos}`, headers: bAuth, payload: { enabled: false } })).statusCode).toBe(200);
    const published = await post('/v1/events', bAuth, [{ type: 'user.login', user: { user_id: 'b-1' } }, { type: 'user.logout', user: { user_id: 'b-2' } }]);
    expect(published.statusCode, published.body).toBe(202);
    const repo = deadLetterRepo(deliveryDb(t.service.store.db));
    for (let i = 0; i < 3; i++) {
      await repo.insert(
        ids.bArbitex,
        [{ event: { seq: 100 + i, orgId: ORG_B, uid: `b-dl-${i}`, classUid: 3002, severityId: 1, time: 1_700_000_000_000, publishedAt: 1_700_000_000_000, json: '{"metadata":{"uid":"b"}}' }, cause: { reason: 'rejected by the SIEM (400)', statusCode: 400, responseText: null }, attempts: 1 }],
        1_700_000_000_000 + i,
      );
    }
    bDeadLetterIds = (await t.service.app.inject({ url: `/v1/org/siem-configs/${ids.bArbitex}/dead-letters`, headers: bAuth })).json().items.map((d: { id: string }) => d.id);
    expect(bDeadLetterIds).toHaveLength(3);
    t.service.ctx.registry.register({ connector_id: 'global-http', display_name: 'Global', connector_type: 'http', config: { url: siemUrl } });

    const spec = (await t.service.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => [m.toUpperCase(), path] as [string, string]));
    expect(routes.length).toBeGreaterThan(20);
  });
  afterAll(async () => {
    await t?.dispose();
    await new Promise((resolve) => siem?.close(resolve));
  });

  /** Organisation B as its own admin sees it (lag grows with time: left out). */
  async function apiView() {
    const get = async (url: string) => {
      const res = await t.service.app.inject({ url, headers: bAuth });
      return { status: res.statusCode, body: res.json() as unknown };
    };
    const stats = async (id: string) => {
      const s = await get(`/v1/org/siem-configs/${id}/stats`);
      delete (s.body as { lag_seconds?: number }).lag_seconds;
      return s;
    };
    return {
      arbitex: await get('/v1/org/siem-configs'),
      authos: await get('/api/organizations/beta-corp/siem-configs'),
      configs: await Promise.all([ids.bArbitex, ids.bAuthos].map((id) => get(`/v1/org/siem-configs/${id}`))),
      audit: await Promise.all([ids.bArbitex, ids.bAuthos].map((id) => get(`/v1/org/siem-configs/${id}/audit`))),
      deadLetters: await get(`/v1/org/siem-configs/${ids.bArbitex}/dead-letters?limit=500`),
      stats: await Promise.all([ids.bArbitex, ids.bAuthos].map(stats)),
    };
  }

  /** Every row of B in the database: rows with B's org_id, or about B's configs (delivery state), and B's organisation row. */
  async function dbView() {
    const db = t.service.store.db;
    const tables = (await db.introspection.getTables()).filter((tb) => !tb.isView && (t.store.schema === undefined || tb.schema === t.store.schema));
    const bConfigs = [ids.bArbitex, ids.bAuthos];
    const out: Record<string, string[]> = {};
    for (const table of tables) {
      const columns = table.columns.map((c) => c.name);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      let q = (db as any).selectFrom(table.name).selectAll();
      if (columns.includes('org_id')) q = q.where('org_id', '=', ORG_B);
      else if (columns.includes('destination_id')) q = q.where('destination_id', 'in', bConfigs);
      else if (columns.includes('config_id')) q = q.where('config_id', 'in', bConfigs);
      else if (table.name === 'organizations') q = q.where('id', '=', ORG_B);
      else continue;
      out[table.name] = ((await q.execute()) as unknown[]).map((r) => JSON.stringify(r)).sort();
    }
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['siem_configs', 'event_log', 'dead_letters', 'organizations']));
    expect(out.siem_configs).toHaveLength(2);
    return out;
  }

  const pathValue = (name: string) =>
    name === 'config_id'
      ? fc.constantFrom(ids.aArbitex, ids.aAuthos, ids.bArbitex, ids.bAuthos, ids.bArbitex, randomUUID(), 'not-a-uuid', '%00', '..%2F..', '1%27%20OR%20%271%27%3D%271', 'a'.repeat(150), ids.bArbitex.toUpperCase())
      : name === 'org_slug'
        ? fc.constantFrom('acme-corp', 'acme-corp', 'beta-corp', 'beta-corp', 'ACME-CORP', '%ff', '__proto__', 'a'.repeat(200))
        : fc.constantFrom('global-http', 'nope', '__proto__', 'constructor', '%2e%2e', 'a'.repeat(300));

  /** A path: a documented route with its parameters filled in, or a path that is no route. */
  const pathArb = () =>
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...routes).chain(([method, path]) => {
        const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        return fc.tuple(fc.constant(method), ...names.map(pathValue)).map(([m, ...values]) => [m, names.reduce((p, n, i) => p.replace(`{${n}}`, values[i]!), path)] as [string, string]);
      }) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...METHODS), fc.webPath({ size: 'small' })).map(([m, p]) => [m, p || '/'] as [string, string]) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...METHODS), fc.constantFrom('/v1/org/siem-configs/', `/v1/org/siem-configs/${ids.bArbitex}/dead-letters/replay/`, '//v1//org//siem-configs', '/v1/org/siem-configs/%', '/api/admin/siem/test/', '/v1/events/', '/metrics?x', '/docs/json', '/openapi.json/..', `/${'a'.repeat(3000)}`)).map(([m, p]) => [m, p] as [string, string]) },
    );

  const bodyArb = () =>
    fc.oneof(
    { weight: 4, arbitrary: jsonText },
    { weight: 4, arbitrary: shapedBody },
    { weight: 2, arbitrary: brokenJson },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constantFrom(...DEEP) },
    { weight: 1, arbitrary: fc.constantFrom(...BYTE_BODIES) },
    { weight: 1, arbitrary: fc.constantFrom(JSON.stringify({ ids: bDeadLetterIds }), JSON.stringify({ ids: [ids.bArbitex] }), JSON.stringify([{ type: 'user.login', org_id: ORG_B, user: { user_id: 'x' } }]), JSON.stringify([{ class_uid: 3002, metadata: { tenant_uid: ORG_B, product: { name: 'x' }, version: '1.8.0' } }]), JSON.stringify({ from: '2020-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z' })) },
  );

  const requestArb = () =>
    fc.record({
      route: pathArb(),
      query: fc.constantFrom(...QUERIES),
      identity: fc.constantFrom('aAdmin', 'aAdmin', 'aAdmin', 'aAdmin', ...Object.keys(identities)),
      body: fc.option(bodyArb(), { freq: 4 }),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      encoding: fc.constantFrom(...ENCODINGS),
      gzipBody: fc.boolean(),
    });

  type Req = ReturnType<typeof requestArb> extends fc.Arbitrary<infer R> ? R : never;

  async function send(r: Req) {
    let [method, path] = r.route;
    // A platform token may publish into any organisation, B's included: that is its right, not a leak.
    const identity = r.identity === 'platform' && path.startsWith('/v1/events') ? 'aAdmin' : r.identity;
    const headers: Record<string, string> = {};
    if (identities[identity]) headers.authorization = identities[identity]!;
    let payload: string | Buffer | undefined = r.body ?? undefined;
    if (payload !== undefined) {
      if (r.contentType) headers['content-type'] = r.contentType;
      if (r.encoding) {
        headers['content-encoding'] = r.encoding;
        if (r.encoding === 'gzip' && r.gzipBody) payload = gzipSync(payload);
      }
    }
    if (method === 'HEAD' && path.startsWith('/docs')) method = 'GET';
    const res = await t.service.app.inject({ method: method as InjectOptions['method'], url: path + r.query, headers, ...(payload !== undefined && { payload }) });
    const shown = typeof payload === 'string' ? payload.slice(0, 200) : payload?.subarray(0, 100).toString('hex');
    expect(res.statusCode, `${method} ${path}${r.query} as ${identity} [${headers['content-type']} ${headers['content-encoding'] ?? ''}] ${shown} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
  }

  it('no input gives a 5xx, and organisation B is untouched', { timeout: 120_000 }, async () => {
    const apiBefore = await apiView();
    const dbBefore = await dbView();
    const logsBefore = t.logs.length;

    // Each hostile body on each documented route, with A's admin token, as JSON.
    for (const [method, path] of routes) {
      const url = path.replace('{config_id}', ids.bArbitex).replace('{org_slug}', 'acme-corp').replace('{connector_id}', 'global-http');
      for (const body of [...DEEP, ...BYTE_BODIES, '1e400', '{"a":1,"a":2}', '{"__proto__":{"is_enabled":false}}', '{"constructor":{"prototype":{"x":1}}}', '"\\ud800"', `"${'a'.repeat(1_100_000)}"`]) {
        await send({ route: [method, url], query: '', identity: 'aAdmin', body: body as never, contentType: 'application/json', encoding: undefined, gzipBody: false });
      }
    }
    // Then random requests, for a bounded time.
    await fc.assert(fc.asyncProperty(requestArb(), send), { numRuns: 10_000, interruptAfterTimeLimit: 15_000 });
    // And well-formed JSON of the right shape with hostile values, as A's admin: most get past validation.
    const writes = fc.record({
      route: fc.constantFrom<[string, string]>(
        ['POST', '/v1/org/siem-configs'],
        ['PUT', `/v1/org/siem-configs/${ids.aArbitex}`],
        ['PUT', `/v1/org/siem-configs/${ids.bArbitex}`],
        ['POST', '/api/organizations/acme-corp/siem-configs'],
        ['PUT', `/api/organizations/acme-corp/siem-configs/${ids.aAuthos}`],
        ['PUT', `/api/organizations/acme-corp/siem-configs/${ids.bAuthos}`],
        ['POST', '/v1/events'],
      ),
      query: fc.constant(''),
      identity: fc.constant('aAdmin'),
      body: shapedBody,
      contentType: fc.constant('application/json'),
      encoding: fc.constant(undefined),
      gzipBody: fc.constant(false),
    });
    await fc.assert(fc.asyncProperty(writes, send), { numRuns: 3000, interruptAfterTimeLimit: 8_000 });

    const faults = t.logs.slice(logsBefore).filter((l) => /"level":50/.test(l) && /"msg":"request failed"/.test(l));
    expect(faults, faults.join('\n').slice(0, 2000)).toEqual([]);
    const dbAfter = await dbView();
    for (const table of new Set([...Object.keys(dbBefore), ...Object.keys(dbAfter)])) expect(dbAfter[table], table).toEqual(dbBefore[table]);
    expect(await apiView()).toEqual(apiBefore);
  });
});
