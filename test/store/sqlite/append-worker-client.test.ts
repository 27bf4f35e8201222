/** The real append worker thread (append-worker.ts) through its client: durability, ordering, failures, close. */
import { rmSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishBodyBytes } from '../../../src/intake/events-body.ts';
import type { NewEvent } from '../../../src/store/event-log.ts';
import { runMigrations } from '../../../src/store/migrate.ts';
import { createSqliteAdapter } from '../../../src/store/sqlite/adapter.ts';
import { AppendError, AppendWorkerClient } from '../../../src/store/sqlite/append-worker-client.ts';
import { PAGE_SIZE, openSqliteConnection } from '../../../src/store/sqlite/connection.ts';
import { authenticationEvent } from '../../fixtures/events.ts';
import { tempDir } from '../../helpers/stores.ts';

const ev = (uid: string): NewEvent => ({ orgId: 'org-a', uid, classUid: 3002, severityId: 1, time: 1, json: `{"uid":"${uid}"}` });

let dir: string;
let path: string;

beforeAll(async () => {
  dir = tempDir();
  path = join(dir, 'siemstream.db');
  const adapter = createSqliteAdapter(path);
  await runMigrations(adapter);
  await adapter.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A separate connection, as a restarted process would open: it sees only what was committed. */
function committedUids(): string[] {
  const reader = openSqliteConnection(path);
  try {
    return (reader.prepare('select uid from event_log order by seq').all() as { uid: string }[]).map((r) => r.uid);
  } finally {
    reader.close();
  }
}

describe('append worker', () => {
  it('works on a file created with 16 KiB pages, while a file created with other pages keeps its own', async () => {
    const reader = openSqliteConnection(path);
    expect(reader.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    reader.close();
    // A file from before (SQLite's default 4 KiB pages): reopening does not change it, and appends work.
    const old = join(dir, 'old.db');
    const created = new BetterSqlite3(old);
    created.pragma('journal_mode = WAL');
    created.close();
    const adapter = createSqliteAdapter(old);
    await runMigrations(adapter);
    await adapter.close();
    const client = new AppendWorkerClient({ path: old });
    expect(await client.append([ev('p1')], 1000)).toEqual({ appended: 1, duplicates: 0, lastSeq: 1 });
    await client.close();
    const again = openSqliteConnection(old);
    expect(again.pragma('page_size', { simple: true })).toBe(4096);
    again.close();
  });

  it('writes with WAL and syncs it before answering, resolves after the commit, keeps call order across concurrent appends, and commits queued appends on close', async () => {
    // busy_timeout 0 so that a held lock fails at once (below).
    const client = new AppendWorkerClient({ path, busyTimeoutMs: 0 });
    // synchronous=NORMAL: COMMIT writes the WAL, the worker's fdatasync of it precedes every answer.
    expect(await client.durability()).toEqual({ journalMode: 'wal', synchronous: 1, walSync: true });

    const first = await client.append([ev('w1'), ev('w2')], 1000);
    expect(first).toEqual({ appended: 2, duplicates: 0, lastSeq: 2 });
    expect(committedUids()).toEqual(['w1', 'w2']);

    // Many appends in flight at once (group-committed as they queue up): seqs follow the order of the calls.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => client.append([ev(`c${i}-a`), ev(`c${i}-b`)], 2000)));
    expect(results.map((r) => r.lastSeq)).toEqual(Array.from({ length: 20 }, (_, i) => 4 + 2 * i));
    expect(committedUids().slice(2)).toEqual(Array.from({ length: 20 }, (_, i) => [`c${i}-a`, `c${i}-b`]).flat());

    // A commit that cannot take the write lock fails every caller in it with SQLite's code, and keeps nothing.
    const blocker = openSqliteConnection(path);
    blocker.exec('begin immediate');
    const failed = await Promise.allSettled([client.append([ev('x1')], 3000), client.append([ev('x2')], 3000)]);
    blocker.exec('commit');
    blocker.close();
    for (const f of failed) {
      expect(f.status).toBe('rejected');
      expect((f as PromiseRejectedResult).reason).toBeInstanceOf(AppendError);
      expect((f as PromiseRejectedResult).reason.code).toBe('SQLITE_BUSY');
    }
    expect(committedUids()).not.toContain('x1');
    // The worker carries on.
    expect(await client.append([ev('x1')], 3000)).toEqual({ appended: 1, duplicates: 0, lastSeq: 43 });

    // close(): appends already posted still commit; later ones are refused.
    const pending = client.append([ev('last')], 4000);
    await client.close();
    expect(await pending).toEqual({ appended: 1, duplicates: 0, lastSeq: 44 });
    await expect(client.append([ev('after-close')], 5000)).rejects.toThrow('closed');
    expect(committedUids().at(-1)).toBe('last');
  });

  it('publishes a body from a copy of its bytes: the caller keeps its own, and the kept events are views of them', async () => {
    const client = new AppendWorkerClient({ path });
    // Over 4 KiB: its own ArrayBuffer, not Buffer's pool (which postMessage never moves).
    const uids = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const texts = uids.map((uid) => JSON.stringify(authenticationEvent({ metadata: { ...authenticationEvent().metadata, uid, tenant_uid: 'org-a' } })));
    const bytes = publishBodyBytes(`[${texts.join(',')}]`);
    const length = bytes.byteLength;
    const out = await client.publishBody({ body: { format: 'json', bytes }, rules: { allowedOrgs: 'any', orgId: 'org-a' }, now: 1 });
    await client.close();
    expect(bytes.byteLength).toBeGreaterThan(4096);
    expect(out.append).toMatchObject({ appended: 20, duplicates: 0 });
    expect(bytes.byteLength).toBe(length); // not detached
    expect(out.valid.every((e) => e.jsonUtf8?.buffer === bytes.buffer)).toBe(true);
    expect(out.valid.map((e) => e.json)).toEqual(texts);
    expect(committedUids().slice(-20)).toEqual(uids);
  });

  it('rejects the appends of a worker that cannot open its database', async () => {
    const notADir = join(dir, 'plain-file');
    writeFileSync(notADir, '');
    const client = new AppendWorkerClient({ path: join(notADir, 'siemstream.db') });
    await expect(client.append([ev('y1')], 1)).rejects.toThrow(/append worker stopped/);
    await expect(client.durability()).rejects.toThrow(/append worker stopped/);
    await client.close();
  });
});
