/**
 * Every documented query parameter works as documented: a query string is text, so `?limit=10` is the integer 10
 * (bodies stay strict: a JSON "10" is not an integer); out-of-range values are a 422 naming the parameter and
 * the bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterRepo } from '../../src/pipeline/delivery/dead-letter-repo.ts';
import { deliveryDb } from '../../src/pipeline/delivery/tables.ts';
import { storeBackends } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

/** The query parameters this file tests, per OpenAPI path; a new one fails the first test until it is tested here. */
const TESTED = {
  '/v1/org/siem-configs/{config_id}/dead-letters': ['limit', 'offset', 'state'],
  '/v1/org/siem-configs/{config_id}/timeseries': ['window'],
  '/v1/org/streams': ['figures'],
  '/api/admin/siem/streams': ['limit', 'offset', 'org_id', 'state'],
};

describe.each(storeBackends)('query parameters on $name', (backend) => {
  let t: TestService;
  let auth: Record<string, string>;
  let id: string;
  /** Dead-letter ids, newest first (the listing order). */
  let newestFirst: string[];
  beforeAll(async () => {
    t = await startTestService(backend);
    auth = { authorization: `Bearer ${await t.token()}` };
    // Disabled: the engine leaves its dead letters alone (a replay request stays "replaying").
    id = (
      await t.service.app.inject({
        method: 'POST',
        url: '/v1/org/siem-configs',
        headers: auth,
        payload: { connector_type: 'http', is_enabled: false, config: { url: 'https://collector.example.com/in' } },
      })
    ).json().id;
    const repo = deadLetterRepo(deliveryDb(t.service.store.db));
    for (let i = 0; i < 12; i++) {
      const uid = `uid-${i}`;
      await repo.insert(
        id,
        [{ event: { seq: i + 1, orgId: 'org-1', uid, classUid: 3002, severityId: 1, time: 1_700_000_000_000, publishedAt: 1_700_000_000_000, json: JSON.stringify({ metadata: { uid } }) }, cause: { reason: 'rejected by the SIEM (400)', statusCode: 400, responseText: null }, attempts: 1 }],
        1_700_000_000_000 + i,
      );
    }
    const all = await list('');
    newestFirst = all.json().items.map((d: { id: string }) => d.id);
    expect(newestFirst).toHaveLength(12);
    // Two replaying, one replayed.
    expect((await t.service.app.inject({ method: 'POST', url: `/v1/org/siem-configs/${id}/dead-letters/replay`, headers: auth, payload: { ids: newestFirst.slice(0, 2) } })).statusCode).toBe(202);
    await repo.markReplayed([newestFirst[11]!], Date.now());
  });
  afterAll(async () => t?.dispose());

  const list = (query: string) => t.service.app.inject({ method: 'GET', url: `/v1/org/siem-configs/${id}/dead-letters${query}`, headers: auth });
  const expect422 = async (query: string, loc: (string | number)[], msg: string) => {
    const res = await list(query);
    expect(res.statusCode, `${query} → ${res.body}`).toBe(422);
    expect(res.json().detail, query).toEqual([expect.objectContaining({ loc, msg })]);
  };

  it('the OpenAPI document lists exactly the query parameters tested here', async () => {
    const spec = (await t.service.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> };
    const found: Record<string, string[]> = {};
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const op of Object.values(ops)) {
        const names = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        if (names.length > 0) found[path] = [...(found[path] ?? []), ...names].sort();
      }
    }
    expect(found).toEqual(TESTED);
  });

  it('limit: a page of that many; 1 and 500 are the bounds', async () => {
    const ten = await list('?limit=10');
    expect(ten.statusCode, ten.body).toBe(200);
    expect(ten.json()).toMatchObject({ total: 12, limit: 10, offset: 0 });
    expect(ten.json().items.map((d: { id: string }) => d.id)).toEqual(newestFirst.slice(0, 10));
    expect((await list('?limit=1')).json().items).toHaveLength(1);
    expect((await list('?limit=500')).json().items).toHaveLength(12);
    expect((await list('')).json().limit).toBe(50);
    await expect422('?limit=0', ['query', 'limit'], 'Input should be >= 1');
    await expect422('?limit=501', ['query', 'limit'], 'Input should be <= 500');
    await expect422('?limit=ten', ['query', 'limit'], 'Input should be a valid integer');
    await expect422('?limit=2.5', ['query', 'limit'], 'Input should be a valid integer');
    await expect422('?limit=', ['query', 'limit'], 'Input should be a valid integer');
    await expect422('?limit=1&limit=2', ['query', 'limit'], 'Input should be a valid integer');
    // Only plain decimal text is a number.
    await expect422('?limit=0x10', ['query', 'limit'], 'Input should be a valid integer');
    await expect422('?limit=%205', ['query', 'limit'], 'Input should be a valid integer');
  });

  it('offset: skips that many; 0 is the first page, negative is refused', async () => {
    const first = await list('?offset=0&limit=5');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().items.map((d: { id: string }) => d.id)).toEqual(newestFirst.slice(0, 5));
    const second = await list('?offset=5&limit=5');
    expect(second.json()).toMatchObject({ offset: 5, limit: 5, total: 12 });
    expect(second.json().items.map((d: { id: string }) => d.id)).toEqual(newestFirst.slice(5, 10));
    expect((await list('?offset=100')).json().items).toEqual([]);
    await expect422('?offset=-1', ['query', 'offset'], 'Input should be >= 0');
    expect((await list('?offset=1000000000')).json().items).toEqual([]);
    await expect422('?offset=1000000001', ['query', 'offset'], 'Input should be <= 1000000000');
    await expect422('?offset=18446744073709551616', ['query', 'offset'], 'Input should be <= 1000000000');
    await expect422('?offset=1e400', ['query', 'offset'], 'Input should be a valid integer');
  });

  it('state: all, pending, replaying, replayed select; anything else names the allowed values', async () => {
    const count = async (state: string) => {
      const res = await list(`?state=${state}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().total as number;
    };
    expect(await count('all')).toBe(12);
    expect(await count('pending')).toBe(9);
    expect(await count('replaying')).toBe(2);
    expect(await count('replayed')).toBe(1);
    const replaying = await list('?state=replaying');
    expect(replaying.json().items.map((d: { id: string }) => d.id).sort()).toEqual(newestFirst.slice(0, 2).sort());
    await expect422('?state=done', ['query', 'state'], 'Input should be one of: all, pending, replaying, replayed');
  });

  it('bodies stay strict: a number as text is not an integer there', async () => {
    const res = await t.service.app.inject({
      method: 'POST',
      url: '/v1/org/siem-configs',
      headers: auth,
      payload: { connector_type: 'http', batch_size: '10', config: { url: 'https://collector.example.com/in' } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toEqual([{ loc: ['body', 'batch_size'], msg: 'Input should be a valid integer', type: 'integer_type' }]);
  });

  const get = async (url: string, headers = auth) => t.service.app.inject({ method: 'GET', url, headers });
  const expect422At = async (url: string, loc: (string | number)[], msg: string, headers = auth) => {
    const res = await get(url, headers);
    expect(res.statusCode, `${url} → ${res.body}`).toBe(422);
    // The admin surface answers the AuthOS error shape, the others FastAPI's.
    const detail = res.json().detail ?? res.json().error.details;
    expect(detail, url).toEqual([expect.objectContaining({ loc, msg: expect.stringContaining(msg) })]);
  };

  it('timeseries window: 1h (default) and 24h; anything else names the allowed values', async () => {
    const url = `/v1/org/siem-configs/${id}/timeseries`;
    expect((await get(url)).statusCode).toBe(200);
    expect((await get(`${url}?window=24h`)).statusCode).toBe(200);
    await expect422At(`${url}?window=7d`, ['query', 'window'], 'Input should be');
    await expect422At(`${url}?window=1h&window=24h`, ['query', 'window'], 'Input should be');
  });

  it('streams figures: a boolean as text; anything else is a 422 naming it', async () => {
    for (const v of ['true', 'false']) expect((await get(`/v1/org/streams?figures=${v}`)).statusCode).toBe(200);
    await expect422At('/v1/org/streams?figures=maybe', ['query', 'figures'], 'Input should be a valid boolean');
  });

  it('operator streams: state, org_id, limit and offset are checked and applied', async () => {
    const operator = { authorization: `Bearer ${await t.token({ orgId: undefined, orgSlug: undefined, platformAdmin: true })}` };
    const ok = await get('/api/admin/siem/streams?state=all&org_id=org-1&limit=1&offset=0', operator);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(JSON.stringify(ok.json())).toContain(id);
    const none = await get('/api/admin/siem/streams?org_id=org-nobody', operator);
    expect(none.statusCode).toBe(200);
    expect(JSON.stringify(none.json())).not.toContain(id);
    await expect422At('/api/admin/siem/streams?state=sleepy', ['query', 'state'], 'Input should be one of: healthy', operator);
    await expect422At('/api/admin/siem/streams?org_id=', ['query', 'org_id'], 'String should not be empty', operator);
    await expect422At('/api/admin/siem/streams?limit=0', ['query', 'limit'], 'Input should be >= 1', operator);
    await expect422At('/api/admin/siem/streams?limit=1001', ['query', 'limit'], 'Input should be <= 1000', operator);
    await expect422At('/api/admin/siem/streams?offset=-1', ['query', 'offset'], 'Input should be >= 0', operator);
  });
});
