/**
 * The event log on SQLite (contract: src/store/event-log.ts). Reads use the main thread's raw better-sqlite3
 * handle with prepared statements (no query building); appends go to the adapter's EventAppender: for a file,
 * a worker thread that group-commits concurrent appends (one transaction and one fsync for all of them) off the
 * main thread's event loop (event-appender.ts, append-server.ts). WAL: a read here sees every append whose
 * promise has resolved. The SQL of an append: append-transaction.ts.
 *
 * Kysely shares the main connection. better-sqlite3 is synchronous, so nothing interleaves with our statements;
 * but Kysely may have an async transaction open (awaiting between statements) on that connection. Prunes
 * therefore hold Kysely's connection (its mutex) for their duration, so they never join a foreign transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { AppendResult, EventLog, NewEvent, PublishBodyRequest, PublishBodyResult, ReadOptions, StoredEvent } from '../event-log.ts';
import { SQLITE_STORED_EVENT_COLUMNS } from '../event-log-columns.ts';
import { searchSeqAtTime, type SeqTime } from '../event-log-time-search.ts';
import type { EventAppender } from './event-appender.ts';
import { retryWhileBusy } from './busy-retry.ts';
import { holdingKyselyConnection } from './kysely-exclusive.ts';

/** Rows deleted per prune statement; between chunks the event loop runs (a long DELETE would block it). */
const PRUNE_CHUNK = 5000;

type Filter = Omit<ReadOptions, 'limit'>;

export class SqliteEventLog implements EventLog {
  readonly #raw: BetterSqlite3.Database;
  readonly #db: Kysely<any>;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  readonly #appender: EventAppender;
  /** Present when the appender prepares bodies itself (the worker); the Publisher prepares them otherwise. */
  readonly publishBody?: (request: PublishBodyRequest) => Promise<PublishBodyResult>;

  constructor(raw: BetterSqlite3.Database, db: Kysely<any>, appender: EventAppender) {
    this.#raw = raw;
    this.#db = db;
    this.#appender = appender;
    if (appender.publishBody) this.publishBody = (request) => appender.publishBody!(request);
  }

  writerBacklog(): number {
    return this.#appender.outstanding ?? 0;
  }

  async append(events: readonly NewEvent[], now: number): Promise<AppendResult> {
    if (events.length === 0) return { appended: 0, duplicates: 0, lastSeq: 0 };
    return this.#appender.append(events, now);
  }

  async read(opts: ReadOptions): Promise<StoredEvent[]> {
    const { where, params } = this.#filter(opts);
    const stmt = this.#statement(`read:${where}`, () => `select ${SQLITE_STORED_EVENT_COLUMNS} from event_log where ${where} order by seq limit ?`);
    return stmt.all(...params, opts.limit) as StoredEvent[];
  }

  async head(): Promise<number> {
    return this.#headSeq();
  }

  async getBySeqs(seqs: readonly number[]): Promise<StoredEvent[]> {
    if (seqs.length === 0) return [];
    const stmt = this.#statement('bySeqs', () => `select ${SQLITE_STORED_EVENT_COLUMNS} from event_log where seq in (select value from json_each(?)) order by seq`);
    return stmt.all(JSON.stringify(seqs)) as StoredEvent[];
  }

  async seqAtTime(publishedAt: number): Promise<number> {
    const stmt = this.#statement('firstFrom', () => 'select seq, published_at as publishedAt from event_log where seq >= ? order by seq limit 1');
    return searchSeqAtTime(publishedAt, this.#headSeq(), async (seq) => stmt.get(seq) as SeqTime | undefined);
  }

  async prune(opts: { belowOrAtSeq: number; publishedBefore: number }): Promise<number> {
    const stmt = this.#statement('prune', () =>
      'delete from event_log where seq in (select seq from event_log where seq <= ? and published_at < ? order by seq limit ?)',
    );
    return this.#deleteInChunks(() => stmt.run(opts.belowOrAtSeq, opts.publishedBefore, PRUNE_CHUNK).changes);
  }

  async pruneDedupe(before: number): Promise<number> {
    const stmt = this.#statement('pruneDedupe', () =>
      'delete from event_uids where (uid, org_id) in (select uid, org_id from event_uids where seen_at < ? limit ?)',
    );
    return this.#deleteInChunks(() => stmt.run(before, PRUNE_CHUNK).changes);
  }

  async count(opts: Filter & { cap?: number }): Promise<number> {
    const { where, params } = this.#filter(opts);
    const stmt = this.#statement(`count:${where}`, () => `select count(*) as n from (select 1 from event_log where ${where} limit ?)`);
    // LIMIT -1 is SQLite's "no limit".
    return (stmt.get(...params, opts.cap ?? -1) as { n: number }).n;
  }

  /**
   * The WHERE clause for a filter; its text depends only on which filters are set, so statements are cached by it.
   * classUids: null/undefined = every class; an empty list matches nothing.
   */
  #filter(opts: Filter): { where: string; params: unknown[] } {
    const conditions = ['seq > ?', 'seq <= ?'];
    const head = this.#headSeq();
    const params: unknown[] = [opts.afterSeq, opts.toSeq === undefined ? head : Math.min(opts.toSeq, head)];
    if (opts.orgId !== undefined) {
      conditions.push('org_id = ?');
      params.push(opts.orgId);
    }
    if (opts.classUids) {
      conditions.push('class_uid in (select value from json_each(?))');
      params.push(JSON.stringify(opts.classUids));
    }
    if (opts.minSeverity !== undefined && opts.minSeverity !== null) {
      conditions.push('severity_id >= ?');
      params.push(opts.minSeverity);
    }
    return { where: conditions.join(' and '), params };
  }

  #headSeq(): number {
    const stmt = this.#statement('head', () => 'select last_seq as seq from event_log_head where id = 1');
    return (stmt.get() as { seq: number }).seq;
  }

  #statement(key: string, sqlText: () => string): BetterSqlite3.Statement {
    let stmt = this.#statements.get(key);
    if (!stmt) {
      stmt = this.#raw.prepare(sqlText());
      this.#statements.set(key, stmt);
    }
    return stmt;
  }

  async #deleteInChunks(deleteChunk: () => number): Promise<number> {
    let total = 0;
    for (;;) {
      // Each chunk is one autocommit DELETE: retried as a whole while the append worker holds the write lock.
      const deleted = await holdingKyselyConnection(this.#db, () => retryWhileBusy(deleteChunk));
      total += deleted;
      if (deleted < PRUNE_CHUNK) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
