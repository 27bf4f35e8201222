/** The main connection waits for the other writer's lock asynchronously: the event loop keeps running meanwhile. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runMigrations } from '../../../src/store/migrate.ts';
import { createSqliteAdapter, type SqliteAdapter } from '../../../src/store/sqlite/adapter.ts';
import { retryWhileBusy } from '../../../src/store/sqlite/busy-retry.ts';
import { openSqliteConnection } from '../../../src/store/sqlite/connection.ts';
import { tempDir } from '../../helpers/stores.ts';

let dir: string;
let adapter: SqliteAdapter;
beforeEach(async () => {
  dir = tempDir();
  adapter = createSqliteAdapter(join(dir, 'siemstream.db'));
  await runMigrations(adapter);
});
afterEach(async () => {
  await adapter.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Another connection (as the append worker) holding the write lock for `ms`. */
function holdWriteLock(ms: number): Promise<void> {
  const other = openSqliteConnection(join(dir, 'siemstream.db'));
  other.exec('begin immediate');
  return new Promise((resolve) =>
    setTimeout(() => {
      other.exec('commit');
      other.close();
      resolve();
    }, ms),
  );
}

it('a write and a transaction wait for the other writer without blocking the event loop, then succeed', async () => {
  const released = holdWriteLock(150);
  const started = Date.now();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  const write = sql`insert into organizations (id, slug, first_seen_at, updated_at) values ('o-1', 'one', 1, 1)`.execute(adapter.db);
  const transaction = adapter.db.transaction().execute(async (tx) => {
    await sql`insert into organizations (id, slug, first_seen_at, updated_at) values ('o-2', 'two', 1, 1)`.execute(tx);
    return 'done';
  });
  await write;
  expect(await transaction).toBe('done');
  clearInterval(ticker);
  await released;
  expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  // Timers kept firing while both waited: the main thread was never blocked in SQLite's busy handler.
  expect(ticks).toBeGreaterThan(10);
  const rows = await sql<{ id: string }>`select id from organizations order by id`.execute(adapter.db);
  expect(rows.rows.map((r) => r.id)).toEqual(['o-1', 'o-2']);
});

it('gives up with SQLITE_BUSY after the timeout', async () => {
  const released = holdWriteLock(200);
  await expect(retryWhileBusy(() => adapter.raw.exec("insert into organizations (id, slug, first_seen_at, updated_at) values ('o-3', 'three', 1, 1)"), 50)).rejects.toMatchObject({
    code: 'SQLITE_BUSY',
  });
  await released;
});
