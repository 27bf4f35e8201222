import { join, resolve } from 'node:path';
import type { StoreAdapter } from './adapter.ts';
import type { Database } from './database.ts';
import { createSqliteAdapter } from './sqlite/adapter.ts';
import { createPostgresAdapter } from './postgres/adapter.ts';

export interface OpenStoreOptions {
  /** `sqlite:PATH`, `postgres://…`/`postgresql://…`, or undefined for `<dataDir>/siemstream.db`. */
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** PostgreSQL schema (tests). */
  schema?: string;
}

export function openStore(opts: OpenStoreOptions): StoreAdapter<Database> {
  const url = opts.databaseUrl?.trim();
  if (!url) return createSqliteAdapter(join(resolve(opts.dataDir), 'siemstream.db'));
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return createSqliteAdapter(path === ':memory:' ? path : resolve(path));
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    return createPostgresAdapter({ connectionString: url, poolSize: opts.poolSize, schema: opts.schema });
  }
  throw new Error('DATABASE_URL must be sqlite:PATH or postgres://…');
}
