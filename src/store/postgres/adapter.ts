import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { StoreAdapter } from '../adapter.ts';
import type { Database } from '../database.ts';

// BIGINT (epoch ms, positions) as JS numbers: all our values are far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface PostgresAdapterOptions {
  connectionString: string;
  /** Connections per instance (default 10; see README "Scaling"). */
  poolSize?: number;
  /** Schema to use (must exist); tests use a private one. Default: public. */
  schema?: string;
  /**
   * The server ends a session that sits inside a transaction without sending anything for this long (default
   * 5 s; 0 disables). A paused or partitioned instance would otherwise keep its locks: the event log's append
   * lock (every instance's publishing would stall) and the lease rows its fenced writes share-lock (no takeover).
   * Our transactions never wait on the client between statements, so the bound is far above any normal gap.
   */
  idleInTransactionTimeoutMs?: number;
}

export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 5000;

export function createPostgresAdapter(opts: PostgresAdapterOptions): StoreAdapter<Database> & { pool: pg.Pool } {
  if (opts.schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(opts.schema)) throw new Error(`invalid schema name ${opts.schema}`);
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.poolSize ?? 10,
    // Set at connection start-up (no race with the first query); the schema must exist.
    options: [
      ...(opts.schema ? [`-c search_path=${opts.schema}`] : []),
      `-c idle_in_transaction_session_timeout=${opts.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS}`,
    ].join(' '),
  });
  // An idle client error (server restart) must not crash the process; the pool replaces the client.
  pool.on('error', () => {});
  // Nor may an error reaching a checked-out client between two statements (the server ended the session: idle
  // in a transaction too long, terminated, restarted): the next query on it fails, and the pool discards it.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    schema: opts.schema ?? 'public',
    capabilities: { multiInstance: true, notify: true, skipLocked: true },
    db,
    pool,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
