/**
 * Kysely's SQLite driver (kysely's SqliteDriver, adapted) for a database with a second writer in another thread,
 * the append worker. The main connection has busy_timeout 0 and waits for that writer asynchronously
 * (busy-retry.ts): an autocommit statement is retried as a whole; a transaction begins IMMEDIATE (the write lock
 * taken up front, retried the same way), so no statement inside it meets the lock, and nothing in it has to be
 * replayed. Prepared statements are cached by SQL text (Kysely's driver prepares every query anew).
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import { retryWhileBusy } from './busy-retry.ts';

/** Distinct SQL texts kept prepared; Kysely's queries are a small fixed set, so the cache rarely fills. */
const STATEMENT_CACHE_SIZE = 500;

export class WriteWaitingSqliteDialect extends SqliteDialect {
  readonly #raw: BetterSqlite3.Database;

  constructor(raw: BetterSqlite3.Database) {
    super({ database: raw });
    this.#raw = raw;
  }

  override createDriver(): Driver {
    return new WriteWaitingDriver(this.#raw);
  }
}

class WriteWaitingDriver implements Driver {
  readonly #connection: WriteWaitingConnection;
  readonly #mutex = new ConnectionMutex();

  constructor(readonly raw: BetterSqlite3.Database) {
    this.#connection = new WriteWaitingConnection(raw);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    // One connection: queries wait for the one in use (as in kysely's driver).
    await this.#mutex.lock();
    return this.#connection;
  }

  async beginTransaction(): Promise<void> {
    await retryWhileBusy(() => this.raw.exec('begin immediate'));
  }

  async commitTransaction(): Promise<void> {
    this.raw.exec('commit');
  }

  async rollbackTransaction(): Promise<void> {
    this.raw.exec('rollback');
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  async destroy(): Promise<void> {
    this.raw.close();
  }
}

class WriteWaitingConnection implements DatabaseConnection {
  readonly #raw: BetterSqlite3.Database;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  constructor(raw: BetterSqlite3.Database) {
    this.#raw = raw;
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.#statement(compiled.sql);
    const parameters = compiled.parameters as unknown[];
    const run = (): QueryResult<R> => {
      if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
      const { changes, lastInsertRowid } = stmt.run(parameters);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    };
    if (!this.#raw.inTransaction) return retryWhileBusy(run);
    // Inside a transaction we hold the write lock already (BEGIN IMMEDIATE): nothing to wait for.
    try {
      return Promise.resolve(run());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiled.query)) throw new Error('Sqlite driver only supports streaming of select queries');
    for (const row of this.#statement(compiled.sql).iterate(compiled.parameters as unknown[])) yield { rows: [row as R] };
  }

  #statement(sql: string): BetterSqlite3.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.clear();
      stmt = this.#raw.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }
}

class ConnectionMutex {
  #held?: Promise<void>;
  #release?: () => void;

  async lock(): Promise<void> {
    while (this.#held) await this.#held;
    this.#held = new Promise((resolve) => (this.#release = resolve));
  }

  unlock(): void {
    const release = this.#release;
    this.#held = undefined;
    this.#release = undefined;
    release?.();
  }
}
