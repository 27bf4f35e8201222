/** Who a token is: one organisation per slug (409 for a slug recorded for another), and a bounded token lifetime. */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET, startTestService, type TestService } from '../helpers/service.ts';
import { storeBackends, sqliteBackend } from '../helpers/stores.ts';

const hs256 = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(TEST_JWT_SECRET));
const nowSec = () => Math.floor(Date.now() / 1000);

describe.each(storeBackends)('organisation slugs on $name', (backend) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(backend);
  });
  afterAll(async () => t?.dispose());
  const get = (url: string, token: string) => t.service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('refuses a token whose org_slug is recorded for another organisation, on every route, naming no other org', async () => {
    const owner = await t.token({ orgId: 'org-owner', orgSlug: 'taken-slug' });
    expect((await get('/api/organizations/taken-slug/siem-configs', owner)).statusCode).toBe(200);

    const squatter = await t.token({ orgId: 'org-squatter', orgSlug: 'taken-slug', scope: 'events:write' });
    const answers = [
      await get('/api/organizations/taken-slug/siem-configs', squatter),
      await get('/v1/org/siem-configs', squatter),
      await t.service.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${squatter}` }, payload: [{ type: 'user.login', user: { user_id: 'u' } }] }),
    ];
    for (const res of answers) {
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain("The token's org_slug is recorded for another organisation");
      expect(res.body).not.toContain('org-owner');
    }
    // The holder is unaffected; a rename frees the slug.
    expect((await get('/api/organizations/taken-slug/siem-configs', owner)).statusCode).toBe(200);
    const renamed = await t.token({ orgId: 'org-owner', orgSlug: 'new-slug' });
    expect((await get('/api/organizations/new-slug/siem-configs', renamed)).statusCode).toBe(200);
    expect((await get('/api/organizations/taken-slug/siem-configs', squatter)).statusCode).toBe(200);
  });

  it('gives a slug to one of several organisations first seen at the same moment', async () => {
    const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => t.token({ orgId: `org-race-${i}`, orgSlug: 'race-slug' })));
    const answers = await Promise.all(tokens.map((token) => get('/api/organizations/race-slug/siem-configs', token)));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409]);
  });
});

describe('token lifetime', () => {
  let strict: TestService;
  let unbounded: TestService;
  beforeAll(async () => {
    strict = await startTestService(sqliteBackend);
    unbounded = await startTestService(sqliteBackend, { settings: { jwtMaxLifetimeSec: 0 } });
  });
  afterAll(async () => {
    await strict?.dispose();
    await unbounded?.dispose();
  });
  const status = async (t: TestService, token: string) => {
    const res = await t.service.app.inject({ method: 'GET', url: '/v1/org/siem-configs', headers: { authorization: `Bearer ${token}` } });
    return [res.statusCode, res.statusCode === 200 ? '' : res.json().error.message];
  };
  const claims = { sub: 'u', org_id: 'org-1', org_slug: 'acme-corp', role: 'admin' };

  it('refuses by default (a day) tokens that live longer, lack iat or were issued in the future', async () => {
    const iat = nowSec();
    expect(await status(strict, await strict.token())).toEqual([200, '']);
    expect(await status(strict, await hs256({ ...claims, iat, exp: iat + 86_400 }))).toEqual([200, '']);
    expect(await status(strict, await hs256({ ...claims, iat, exp: iat + 86_401 }))).toEqual([401, 'token lifetime (exp - iat) exceeds the maximum of 86400 s']);
    expect(await status(strict, await hs256({ ...claims, exp: iat + 600 }))).toEqual([401, 'token has no iat claim (required while a maximum token lifetime is set)']);
    // A long-lived token dressed as a short one.
    expect(await status(strict, await hs256({ ...claims, iat: iat + 30 * 86_400, exp: iat + 30 * 86_400 + 60 }))).toEqual([401, 'token issued in the future (iat)']);
    expect(await status(strict, await hs256({ ...claims, iat: iat + 30, exp: iat + 600 }))).toEqual([200, '']);
  });

  it('accepts any lifetime and no iat with SIEM_JWT_MAX_LIFETIME_SECONDS=0', async () => {
    const iat = nowSec();
    expect(await status(unbounded, await hs256({ ...claims, iat, exp: iat + 365 * 86_400 }))).toEqual([200, '']);
    expect(await status(unbounded, await hs256({ ...claims, exp: iat + 600 }))).toEqual([200, '']);
  });
});
