/**
 * Store backends for tests: SQLite always; PostgreSQL when SIEM_TEST_DATABASE_URL is set (CI sets it).
 * Each PostgreSQL store gets a private schema, dropped on close, so tests never see each other's rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreAdapter } from '../../src/store/adapter.ts';
import type { Database } from '../../src/store/database.ts';
import { createSqliteAdapter } from '../../src/store/sqlite/adapter.ts';
import { createPostgresAdapter } from '../../src/store/postgres/adapter.ts';
import { MIGRATION_LOCK_KEY } from '../../src/store/migrate.ts';

export interface TestStore {
  adapter: StoreAdapter<Database>;
  /** DATABASE_URL-style value pointing at this store (for child processes). */
  databaseUrl: string;
  /** PostgreSQL schema name, when PostgreSQL. */
  schema?: string;
  dataDir: string;
  dispose(): Promise<void>;
}

export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  open(): Promise<TestStore>;
}

export const postgresUrl = process.env.SIEM_TEST_DATABASE_URL;

export function tempDir(prefix = 'siemstream-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  async open() {
    const dataDir = tempDir();
    const path = join(dataDir, 'siemstream.db');
    const adapter = createSqliteAdapter(path);
    return {
      adapter,
      databaseUrl: `sqlite:${path}`,
      dataDir,
      async dispose() {
        await adapter.close().catch(() => {});
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

export const postgresBackend: StoreBackend = {
  name: 'postgres',
  async open() {
    if (!postgresUrl) throw new Error('SIEM_TEST_DATABASE_URL not set');
    const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const setup = new pg.Client({ connectionString: postgresUrl });
    await setup.connect();
    await setup.query(`create schema ${schema}`);
    await setup.end();
    const adapter = createPostgresAdapter({ connectionString: postgresUrl, schema, poolSize: 5 });
    const dataDir = tempDir();
    return {
      adapter,
      databaseUrl: postgresUrl,
      schema,
      dataDir,
      async dispose() {
        await adapter.close().catch(() => {});
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        // Under the migration lock: a migration elsewhere scans every schema and fails if one vanishes mid-scan.
        await client.query(`begin; select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}); drop schema if exists ${schema} cascade; commit`);
        await client.end();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

/** The backends this run covers: SQLite, plus PostgreSQL when configured. */
export const storeBackends: StoreBackend[] = postgresUrl ? [sqliteBackend, postgresBackend] : [sqliteBackend];
