/**
 * Migration 005 on a database that ran 001–004 and holds data: de-duplication rows get the organisation of the
 * event that wrote them, organisations keep one holder per slug.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventLog, NewEvent } from '../../src/store/event-log.ts';
import { runMigrations } from '../../src/store/migrate.ts';
import { migrations } from '../../src/store/migrations/index.ts';
import { openEventLog } from '../../src/store/open-event-log.ts';
import { organizationRepo } from '../../src/store/repos/organizations.ts';
import { storeBackends, type TestStore } from '../helpers/stores.ts';

const upTo = (last: string) => Object.fromEntries(Object.entries(migrations).filter(([name]) => name.slice(0, 3) <= last));
const upTo004 = upTo('004');
/** Later migrations may change these tables again: this test is about 005's step. */
const upTo005 = upTo('005');

const ev = (uid: string, orgId: string): NewEvent => ({ orgId, uid, classUid: 3002, severityId: 1, time: 1_700_000_000_000, json: JSON.stringify({ metadata: { uid } }) });

describe.each(storeBackends)('migration 005 on $name', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
    expect((await runMigrations(store.adapter, upTo004)).applied).toEqual(['001-config-tables', '002-event-log', '003-delivery', '004-leases']);
  });
  afterEach(async () => store?.dispose());

  it('keys existing de-duplication rows by the organisation of the event that wrote them', async () => {
    const db = store.adapter.db as any;
    const event = (seq: number, uid: string, orgId: string, publishedAt: number) => ({
      seq, org_id: orgId, uid, class_uid: 3002, severity_id: 1, time: 1, published_at: publishedAt, payload: '{}',
    });
    await db.insertInto('event_log').values([
      event(1, 'reused', 'org-old', 10), // an earlier event with a uid whose window ended
      event(2, 'x', 'org-a', 1000),
      event(3, 'reused', 'org-d', 2000),
    ]).execute();
    await db.updateTable('event_log_head').set({ last_seq: 5, last_published_at: 2000 }).execute();
    // seq 4 was dead-lettered and then pruned from the log; seq 5 was pruned.
    await db.insertInto('dead_letters').values({
      id: 'dl-1', destination_id: 'cfg-1', org_id: 'org-e', seq: 4, uid: 'dead', class_uid: 3002, severity_id: 1, event_time: 1,
      published_at: 1500, payload: '{}', reason: 'permanent', attempts: 1, created_at: 1600,
    }).execute();
    await db.insertInto('event_uids').values([
      { uid: 'x', seen_at: 1000 },
      { uid: 'reused', seen_at: 2000 },
      { uid: 'dead', seen_at: 1500 },
      { uid: 'pruned', seen_at: 1800 },
    ]).execute();

    expect((await runMigrations(store.adapter, upTo005)).applied).toEqual(['005-tenant-keys']);
    const rows = await db.selectFrom('event_uids').select(['uid', 'org_id', 'seen_at']).orderBy('uid').execute();
    expect(rows.map((r: any) => [r.uid, r.org_id, Number(r.seen_at)])).toEqual([
      ['dead', 'org-e', 1500],
      ['reused', 'org-d', 2000],
      ['x', 'org-a', 1000],
    ]);

    const log: EventLog = openEventLog(store.adapter);
    const result = await log.append(
      [
        ev('x', 'org-a'), // same organisation within the window: a duplicate
        ev('x', 'org-b'), // another organisation: its own event
        ev('reused', 'org-d'),
        ev('reused', 'org-old'),
        ev('dead', 'org-e'),
        ev('dead', 'org-f'),
        ev('pruned', 'org-g'), // unknown organisation: the row was dropped, so it suppresses no one
      ],
      3000,
    );
    expect(result).toEqual({ appended: 4, duplicates: 3, lastSeq: 9 });
    const appended = await log.read({ afterSeq: 5, limit: 10 });
    expect(appended.map((e) => [e.uid, e.orgId])).toEqual([['x', 'org-b'], ['reused', 'org-old'], ['dead', 'org-f'], ['pruned', 'org-g']]);
    // The seen_at index still serves expiry.
    expect(await log.pruneDedupe(1600)).toBe(2);
  });

  it('leaves each slug to one organisation, the most recently recorded one', async () => {
    const db = store.adapter.db as any;
    await db.insertInto('organizations').values([
      { id: 'org-1', slug: 'acme', first_seen_at: 100, updated_at: 100 },
      { id: 'org-2', slug: 'acme', first_seen_at: 150, updated_at: 200 },
      { id: 'org-3', slug: 'solo', first_seen_at: 100, updated_at: 100 },
    ]).execute();
    await runMigrations(store.adapter, upTo005);
    const orgs = organizationRepo(store.adapter.db);
    expect(await orgs.get('org-1')).toEqual({ id: 'org-1', slug: null, first_seen_at: 100, updated_at: 100 });
    expect((await orgs.get('org-2'))?.slug).toBe('acme');
    expect((await orgs.get('org-3'))?.slug).toBe('solo');

    expect(await orgs.remember('org-1', 'acme', 300)).toBe('slug-taken');
    expect(await orgs.remember('org-4', 'solo', 300)).toBe('slug-taken');
    expect(await orgs.get('org-4')).toBeUndefined();
    // The holder renamed: the slug is free for the one that was left without.
    expect(await orgs.remember('org-2', 'acme-renamed', 400)).toBe('recorded');
    expect(await orgs.remember('org-1', 'acme', 500)).toBe('recorded');
    expect(await orgs.get('org-1')).toEqual({ id: 'org-1', slug: 'acme', first_seen_at: 100, updated_at: 500 });
  });
});
