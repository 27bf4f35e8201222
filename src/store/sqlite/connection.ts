/**
 * Opening a connection to the embedded store's file. The service holds two: the main thread's (Kysely, reads)
 * and the append worker's (the event-log writer, append-worker.ts). Both get the same settings here.
 *
 * WAL + synchronous=FULL by default: a commit is fsync'd before it returns (config, cursor and audit writes on the
 * main connection). The append worker opens its connection with synchronous=NORMAL and syncs the WAL itself after
 * each group commit, before any caller is answered (append-server.ts), so a 202'd event survives kill -9 and
 * power loss either way. WAL also lets the main connection read while the worker writes. busy_timeout: two writers (the
 * worker and Kysely's config/cursor writes; also a second process such as `siemstream keys rotate`) wait for each
 * other instead of failing.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export const BUSY_TIMEOUT_MS = 5000;

/**
 * Page size of a database file this creates (a file keeps the size it was created with). 16 KiB instead of
 * SQLite's 4 KiB: a ~1 KB event fills a quarter of a 4 KiB page, and each page a commit touches is written to
 * the WAL as one frame (a write syscall of its own), then once more to the database file by the checkpoint.
 * Syscalls are dear on this kind of VM (a 4 KiB pwrite ~7 µs of CPU). `npx tsx bench/event-log.ts` (appends
 * through the worker, 1 KB events in batches of 1,000), on the 2-core development VM: time-ordered uids 49-53k
 * events/s with 4 KiB pages, 62-69k with 16 KiB; random uids 34k and 41-43k. The raw statements alone, user +
 * system CPU per event: 4 KiB 12.2-14.0 µs, 8 KiB 9.5-9.7, 16 KiB 7.5-9.5, 32 KiB 8.3-8.5, 64 KiB 6.9-8.5.
 */
export const PAGE_SIZE = 16_384;

export interface ConnectionOptions {
  /** How long a writer waits for the other writer's lock (default BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
  /**
   * FULL (default): COMMIT fsyncs the WAL. NORMAL only for a connection whose commits are made durable by an
   * explicit WAL sync before anyone is told they happened: the append worker (append-server.ts).
   */
  synchronous?: 'FULL' | 'NORMAL';
}

export function openSqliteConnection(path: string, opts: ConnectionOptions = {}): BetterSqlite3.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const raw = new BetterSqlite3(path);
  try {
    // Before WAL mode is set: that creates the file's first page.
    raw.pragma(`page_size = ${PAGE_SIZE}`);
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    raw.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS))}`);
    raw.pragma('foreign_keys = ON');
  } catch (err) {
    raw.close();
    throw err;
  }
  return raw;
}

/** The durability settings a connection actually runs with (checked by the append worker at start). */
export function durabilitySettings(raw: BetterSqlite3.Database): { journalMode: string; synchronous: number } {
  return {
    journalMode: String(raw.pragma('journal_mode', { simple: true })),
    synchronous: Number(raw.pragma('synchronous', { simple: true })),
  };
}
