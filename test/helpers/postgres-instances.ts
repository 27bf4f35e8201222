/**
 * Several simulated siemstream instances on one migrated PostgreSQL test schema: each gets its own pool (as
 * separate processes would), all closed by `dispose`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { DB_NOW_MS } from '../../src/pipeline/ownership/lease-repo.ts';
import { runMigrations } from '../../src/store/migrate.ts';
import { createPostgresAdapter } from '../../src/store/postgres/adapter.ts';
import { postgresBackend, postgresUrl, type TestStore } from './stores.ts';

export type InstanceAdapter = ReturnType<typeof createPostgresAdapter>;

export interface SharedSchema {
  store: TestStore;
  schema: string;
  /** A fresh pool on the shared schema. */
  pool(): InstanceAdapter;
  dispose(): Promise<void>;
}

export async function openSharedSchema(): Promise<SharedSchema> {
  const store = await postgresBackend.open();
  await runMigrations(store.adapter);
  const pools: InstanceAdapter[] = [];
  return {
    store,
    schema: store.schema!,
    pool() {
      const adapter = createPostgresAdapter({ connectionString: postgresUrl!, schema: store.schema, poolSize: 3 });
      pools.push(adapter);
      return adapter;
    },
    async dispose() {
      await Promise.allSettled(pools.map((p) => p.close()));
      await store.dispose();
    },
  };
}

/** Polls `check` every 20 ms until it returns true; fails after `timeoutMs`. Returns the time it took. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
  return Date.now() - started;
}

/**
 * Waits until none of `ids` has an unexpired lease, judged by the database clock as claims and deletions judge
 * it. A lease granted after its holder's last heartbeat outlives the holder's liveness, so "the holder counts as
 * dead" does not yet mean "its leases are free"; a fixed sleep between the two raced on a loaded CI machine.
 */
export async function waitForLeasesToExpire(db: InstanceAdapter['db'], ids: readonly string[], timeoutMs = 3000): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from destination_leases
        where destination_id in (${sql.join(ids)}) and owner is not null and expires_at >= ${DB_NOW_MS}`.execute(db);
      return rows[0]!.n === 0;
    },
    timeoutMs,
    `the leases of ${ids.join(', ')} to expire`,
  );
}
