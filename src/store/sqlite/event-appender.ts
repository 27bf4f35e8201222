/**
 * Who writes a SQLite event log's appends: the append worker for a database file (commits and their fsync off
 * the main thread, concurrent appends group-committed), the main thread itself for ':memory:' (a second
 * connection would open a different, empty database; there is no fsync to wait for either).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { AppendResult, NewEvent, PublishBodyRequest, PublishBodyResult } from '../event-log.ts';
import { prepareGroupAppend, type GroupAppend } from './append-transaction.ts';
import { AppendWorkerClient } from './append-worker-client.ts';
import { holdingKyselyConnection } from './kysely-exclusive.ts';

export interface EventAppender {
  /** Resolves once the events are committed (durable: fsync'd for a file). */
  append(events: readonly NewEvent[], now: number): Promise<AppendResult>;
  /** Parses, prepares and appends a publish body where the appends run (EventLog.publishBody); absent in process. */
  publishBody?(request: PublishBodyRequest): Promise<PublishBodyResult>;
  /** With publishBody: requests the writer has not answered yet. */
  readonly outstanding?: number;
  close(): Promise<void>;
}

export function createEventAppender(opts: {
  path: string;
  raw: BetterSqlite3.Database;
  db: Kysely<any>;
  busyTimeoutMs?: number;
  /** Called when the worker (re)starts: the main connection hands its WAL checkpoints over to it. */
  onWorkerStart?: () => void;
}): EventAppender {
  if (opts.path === ':memory:') return inProcessAppender(opts.raw, opts.db);
  return new AppendWorkerClient({ path: opts.path, busyTimeoutMs: opts.busyTimeoutMs }, { onStart: opts.onWorkerStart });
}

function inProcessAppender(raw: BetterSqlite3.Database, db: Kysely<any>): EventAppender {
  // Prepared on first use: the tables exist only after the migrations ran.
  let appendGroup: GroupAppend | undefined;
  return {
    async append(events, now) {
      appendGroup ??= prepareGroupAppend(raw);
      return holdingKyselyConnection(db, () => appendGroup!([{ events, now }])[0]!);
    },
    async close() {},
  };
}
