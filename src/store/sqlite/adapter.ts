import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { StoreAdapter } from '../adapter.ts';
import type { Database } from '../database.ts';
import { openSqliteConnection } from './connection.ts';
import { createEventAppender, type EventAppender } from './event-appender.ts';
import { WriteWaitingSqliteDialect } from './kysely-driver.ts';

export interface SqliteAdapter extends StoreAdapter<Database> {
  /** The main thread's connection (Kysely's, also used raw by the event log's reads). */
  raw: BetterSqlite3.Database;
  /** The event log's writer (a worker thread for a file), closed with the adapter. */
  appender: EventAppender;
}

export interface SqliteAdapterOptions {
  /** How long the append worker waits for the write lock (tests shorten it). */
  busyTimeoutMs?: number;
}

/**
 * Embedded store. Durability (a commit is on disk before we answer 202: synchronous=FULL here, an explicit WAL
 * fdatasync after each group commit in the append worker) and the
 * two-writer setup: see connection.ts. A database file gets a second writer, the append worker; the main
 * connection then never blocks the event loop on the worker's write lock (busy_timeout 0, waits asynchronously:
 * kysely-driver.ts, busy-retry.ts) and leaves WAL checkpoints to the worker (a checkpoint writes and fsyncs the
 * database file: not on the main thread).
 */
export function createSqliteAdapter(path: string, opts: SqliteAdapterOptions = {}): SqliteAdapter {
  const memory = path === ':memory:';
  const raw = openSqliteConnection(path, memory ? opts : { busyTimeoutMs: 0 });
  const db = new Kysely<Database>({ dialect: memory ? new SqliteDialect({ database: raw }) : new WriteWaitingSqliteDialect(raw) });
  const appender = createEventAppender({
    path,
    raw,
    db,
    busyTimeoutMs: opts.busyTimeoutMs,
    onWorkerStart: () => raw.pragma('wal_autocheckpoint = 0'),
  });
  return {
    kind: 'sqlite',
    capabilities: { multiInstance: false, notify: false, skipLocked: false },
    db,
    raw,
    appender,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      try {
        // Queued appends commit before the main connection goes away.
        await appender.close();
      } finally {
        await db.destroy();
      }
    },
  };
}
