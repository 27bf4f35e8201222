import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend } from '../helpers/stores.ts';
import { TEST_JWT_SECRET, startTestService, type TestService } from '../helpers/service.ts';

describe('identity and roles (SPEC §2)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(sqliteBackend);
  });
  afterAll(async () => t?.dispose());
  const routes = [
    ['GET', '/v1/org/siem-configs'],
    ['POST', '/v1/org/siem-configs'],
    ['GET', '/api/organizations/acme-corp/siem-configs'],
    ['POST', '/api/organizations/acme-corp/siem-configs'],
  ] as const;
  const call = (method: string, url: string, authorization?: string) =>
    t.service.app.inject({ method: method as never, url, headers: authorization ? { authorization } : {}, payload: method === 'POST' ? {} : undefined });

  it('401 for a missing, malformed, unsigned, wrongly signed or expired token', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 600;
    const claims = { sub: 'u', org_id: 'org-1', org_slug: 'acme-corp', role: 'admin', exp };
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const wrongKey = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(40)));
    const noExp = await new SignJWT({ ...claims, exp: undefined }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const expired = await t.token({ expiresInSec: -120 });
    for (const [method, url] of routes) {
      for (const header of [undefined, 'Bearer', 'Basic abc', 'Bearer a b', `Bearer ${none}`, `Bearer ${wrongKey}`, `Bearer ${noExp}`, `Bearer ${expired}`]) {
        const res = await call(method, url, header);
        expect(res.statusCode, `${method} ${url} ${header?.slice(0, 20)}`).toBe(401);
        expect(res.body).not.toContain(TEST_JWT_SECRET);
      }
    }
  });

  it('403 for member and viewer roles, 200 for owner and admin', async () => {
    for (const role of ['member', 'viewer']) {
      const token = await t.token({ role });
      for (const [method, url] of routes) expect((await call(method, url, `Bearer ${token}`)).statusCode).toBe(403);
    }
    for (const role of ['owner', 'admin']) {
      const token = await t.token({ role });
      expect((await call('GET', '/v1/org/siem-configs', `Bearer ${token}`)).statusCode).toBe(200);
      expect((await call('GET', '/api/organizations/acme-corp/siem-configs', `Bearer ${token}`)).statusCode).toBe(200);
    }
  });

  it('403 for a token without an organisation on org routes', async () => {
    const token = await t.token({ orgId: undefined, orgSlug: undefined, platformAdmin: true });
    expect((await call('GET', '/v1/org/siem-configs', `Bearer ${token}`)).statusCode).toBe(403);
  });
});
