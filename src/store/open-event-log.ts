import type pg from 'pg';
import type { EventLog } from './event-log.ts';
import type { StoreAdapter } from './adapter.ts';
import { PostgresEventLog } from './postgres/event-log.ts';
import type { SqliteAdapter } from './sqlite/adapter.ts';
import { SqliteEventLog } from './sqlite/event-log.ts';

/** The event log of a store: each backend has its own implementation of the publish/delivery hot paths. */
export function openEventLog(adapter: StoreAdapter<any>): EventLog {
  switch (adapter.kind) {
    case 'sqlite': {
      const raw = driverHandle<SqliteAdapter['raw']>(adapter, 'raw');
      return new SqliteEventLog(raw, adapter.db, driverHandle<SqliteAdapter['appender']>(adapter, 'appender'));
    }
    case 'postgres':
      return new PostgresEventLog(driverHandle<pg.Pool>(adapter, 'pool'));
  }
}

/** Driver handles the backend's adapter exposes beside Kysely (createSqliteAdapter: raw, appender; createPostgresAdapter: pool). */
function driverHandle<T>(adapter: StoreAdapter<any>, name: 'raw' | 'appender' | 'pool'): T {
  const handle = (adapter as unknown as Record<string, unknown>)[name];
  if (!handle) throw new Error(`${adapter.kind} store adapter exposes no '${name}' handle`);
  return handle as T;
}
