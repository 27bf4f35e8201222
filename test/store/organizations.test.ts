/** organizations: one organisation per slug, also when several instances see new organisations at once. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreAdapter } from '../../src/store/adapter.ts';
import { runMigrations } from '../../src/store/migrate.ts';
import { createPostgresAdapter } from '../../src/store/postgres/adapter.ts';
import { organizationRepo } from '../../src/store/repos/organizations.ts';
import { createSqliteAdapter } from '../../src/store/sqlite/adapter.ts';
import { postgresUrl, storeBackends, type TestStore } from '../helpers/stores.ts';

describe.each(storeBackends)('organizations on $name', (backend) => {
  let store: TestStore;
  let second: StoreAdapter;
  beforeEach(async () => {
    store = await backend.open();
    await runMigrations(store.adapter);
    // A second instance on the same database.
    second =
      backend.name === 'postgres'
        ? createPostgresAdapter({ connectionString: postgresUrl!, schema: store.schema, poolSize: 5 })
        : createSqliteAdapter(store.databaseUrl.slice('sqlite:'.length));
  });
  afterEach(async () => {
    await second?.close();
    await store?.dispose();
  });

  it('records first sight and renames, refuses a slug held by another organisation', async () => {
    const orgs = organizationRepo(store.adapter.db);
    expect(await orgs.remember('org-1', 'acme', 100)).toBe('recorded');
    expect(await orgs.remember('org-1', 'acme', 150)).toBe('recorded');
    expect(await orgs.get('org-1')).toEqual({ id: 'org-1', slug: 'acme', first_seen_at: 100, updated_at: 100 });
    expect(await orgs.remember('org-2', 'acme', 200)).toBe('slug-taken');
    expect(await orgs.get('org-2')).toBeUndefined();
    expect(await orgs.remember('org-1', 'acme-inc', 300)).toBe('recorded');
    expect(await orgs.remember('org-2', 'acme', 400)).toBe('recorded');
    // Taking a slug back that was given away meanwhile is refused too, and leaves the old record alone.
    expect(await orgs.remember('org-1', 'acme', 500)).toBe('slug-taken');
    expect(await orgs.get('org-1')).toEqual({ id: 'org-1', slug: 'acme-inc', first_seen_at: 100, updated_at: 300 });
  });

  it('gives a slug to exactly one of many organisations seen at once on two instances', async () => {
    const repos = [organizationRepo(store.adapter.db), organizationRepo(second.db as never)];
    for (let round = 0; round < 5; round++) {
      const slug = `race-${round}`;
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => repos[i % 2]!.remember(`org-${round}-${i}`, slug, 1000 + round)));
      expect(claims.filter((c) => c === 'recorded')).toHaveLength(1);
      const holders = await store.adapter.db.selectFrom('organizations').select('id').where('slug', '=', slug).execute();
      expect(holders).toEqual([{ id: `org-${round}-${claims.indexOf('recorded')}` }]);
    }
  });
});
