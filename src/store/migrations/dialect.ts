import { PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

export type MigrationDialect = 'sqlite' | 'postgres';

/**
 * The SQL dialect a migration runs against. Migrations receive only `db`, so the dialect is read from Kysely's
 * adapter; the few DDL differences (rowid tables, WITHOUT ROWID) ask this one helper instead of branching ad hoc.
 */
export function migrationDialect(db: Kysely<any>): MigrationDialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error(`unsupported database adapter ${adapter.constructor.name}`);
}
