import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { StoreAdapter } from './adapter.ts';
import { migrations as allMigrations } from './migrations/index.ts';

export interface MigrationReport {
  applied: string[];
}

/**
 * Arbitrary constant: the advisory lock every siemstream instance takes while migrating. Exported for tools that
 * drop schemas of the same database (test cleanup): Kysely's migrator introspects EVERY schema, and a schema
 * dropped in the middle of that scan fails it ("schema … does not exist"), so drops take this lock too.
 */
export const MIGRATION_LOCK_KEY = 7_305_118_204;

/**
 * Runs pending migrations. On a shared database (PostgreSQL) the whole run, including the creation of Kysely's
 * bookkeeping tables (which Kysely does outside its own lock and which races between instances), happens under a
 * session advisory lock on one connection, so instances starting together migrate one after the other.
 */
export async function runMigrations(
  adapter: Pick<StoreAdapter<any>, 'db' | 'capabilities' | 'schema'>,
  migrations: Record<string, Migration> = allMigrations,
): Promise<MigrationReport> {
  if (!adapter.capabilities.multiInstance) return migrate(adapter.db, migrations);
  const schema = adapter.schema;
  return adapter.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      return await migrate(conn, migrations, schema);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}

async function migrate(db: Kysely<any>, migrations: Record<string, Migration>, schema?: string): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'siemstream_migrations',
    migrationLockTableName: 'siemstream_migrations_lock',
    // Without it Kysely looks for its tables in every schema of the database.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
