/**
 * Publishing keeps organisations apart: de-duplication by metadata.uid is per organisation (one tenant cannot
 * suppress another's events), and only an explicit platform claim lets events name their organisation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../pipeline/delivery/collector.ts';
import { FAST_DELIVERY, eventually } from '../pipeline/delivery/harness.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { storeBackends } from '../helpers/stores.ts';

const login = (id: string, extra: Record<string, unknown> = {}) => ({ type: 'user.login', id, user: { user_id: 'u-1' }, ...extra });

describe.each(storeBackends)('publishing per organisation on $name', (backend) => {
  let t: TestService;
  let collectors: Record<'a' | 'b', Collector>;
  const writers: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestService(backend, { settings: { flushIntervalMs: 50 }, service: { delivery: { options: FAST_DELIVERY, random: () => 0.5 } } });
    collectors = { a: await startCollector(), b: await startCollector() };
    for (const [key, orgId, orgSlug] of [['a', 'org-a', 'org-a-slug'], ['b', 'org-b', 'org-b-slug']] as const) {
      const admin = await t.token({ orgId, orgSlug });
      const res = await t.service.app.inject({
        method: 'POST',
        url: '/v1/org/siem-configs',
        headers: { authorization: `Bearer ${admin}` },
        payload: { connector_type: 'http', name: `collector ${key}`, config: { url: collectors[key].url } },
      });
      expect(res.statusCode, res.body).toBe(201);
      writers[key] = await t.token({ orgId, orgSlug, scope: 'events:write' });
    }
  });
  afterAll(async () => {
    await t?.dispose();
    await Promise.all(Object.values(collectors ?? {}).map((c) => c.close()));
  });

  const publish = (token: string, events: unknown[]) =>
    t.service.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${token}` }, payload: events });

  it('stores and delivers the same uid published by two organisations; the same organisation twice is a duplicate', async () => {
    const a = await publish(writers.a!, [login('shared-uid'), login('a-only')]);
    expect(a.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const b = await publish(writers.b!, [login('shared-uid')]);
    expect(b.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const again = await publish(writers.a!, [login('shared-uid'), login('a-second')]);
    expect(again.json()).toEqual({ accepted: 2, duplicates: 1, rejected: [] });

    await eventually(() => collectors.a.uids().includes('a-second') && collectors.b.uids().includes('shared-uid'), 'both organisations delivered');
    await new Promise((r) => setTimeout(r, 300));
    expect([...collectors.a.uids()].sort()).toEqual(['a-only', 'a-second', 'shared-uid']);
    expect(collectors.b.uids()).toEqual(['shared-uid']);
    expect(collectors.b.events()[0]).toMatchObject({ metadata: { uid: 'shared-uid', tenant_uid: 'org-b' } });
    const stored = (await t.service.ctx.eventLog.read({ afterSeq: 0, limit: 100 })).filter((e) => e.uid === 'shared-uid');
    expect(stored.map((e) => e.orgId).sort()).toEqual(['org-a', 'org-b']);
  });

  it('the library publish() answers duplicates per organisation too', async () => {
    const publisher = t.service.ctx.publisher;
    const first = await publisher.publish([login('lib-shared', { org_id: 'org-a' }), login('lib-shared', { org_id: 'org-b' })], { allowedOrgs: 'any' });
    expect(first).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const second = await publisher.publish([login('lib-shared', { org_id: 'org-b' })], { allowedOrgs: 'any' });
    expect(second).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
  });

  it('refuses a token without org_id unless it carries a platform claim, whatever its role', async () => {
    for (const role of ['owner', 'admin', 'member', 'viewer', undefined]) {
      const token = await t.token({ orgId: undefined, orgSlug: undefined, role, scope: 'events:write' });
      const res = await publish(token, [login('no-org', { org_id: 'org-b' })]);
      expect(res.statusCode, String(role)).toBe(403);
      expect(res.json().error).toEqual({
        code: 'SIEM_ERR_FORBIDDEN',
        message: 'Token has no org_id: publishing for any organisation needs platform_admin: true or scope events:write:any-org',
      });
    }
    expect((await t.service.ctx.eventLog.read({ afterSeq: 0, limit: 1000 })).some((e) => e.uid === 'no-org')).toBe(false);

    const platformAdmin = await t.token({ orgId: undefined, orgSlug: undefined, role: undefined, platformAdmin: true, scope: 'events:write' });
    const anyOrgScope = await t.token({ orgId: undefined, orgSlug: undefined, role: undefined, scope: 'events:write:any-org' });
    expect((await publish(platformAdmin, [login('pa-1', { org_id: 'org-b' })])).json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await publish(anyOrgScope, [login('sc-1', { org_id: 'org-a' })])).json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    // platform_admin alone does not publish: events:write is still needed.
    const adminOnly = await t.token({ orgId: undefined, orgSlug: undefined, role: undefined, platformAdmin: true });
    expect((await publish(adminOnly, [login('pa-2', { org_id: 'org-b' })])).json().error.message).toBe('Scope events:write required');

    // An org token names only its own organisation; with a platform claim it may name another.
    const orgWriter = await publish(writers.a!, [login('own-1', { org_id: 'org-b' })]);
    expect(orgWriter.json().rejected).toEqual([{ index: 0, error: 'org_id: this token may not publish events for that organisation' }]);
    const orgPlatform = await t.token({ orgId: 'org-a', orgSlug: 'org-a-slug', scope: 'events:write:any-org' });
    expect((await publish(orgPlatform, [login('own-2', { org_id: 'org-b' }), login('own-3')])).json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const rows = (await t.service.ctx.eventLog.read({ afterSeq: 0, limit: 1000 })).filter((e) => e.uid.startsWith('own-') || e.uid.endsWith('-1'));
    expect(rows.map((e) => [e.uid, e.orgId])).toEqual([['pa-1', 'org-b'], ['sc-1', 'org-a'], ['own-2', 'org-b'], ['own-3', 'org-a']]);
  });
});
