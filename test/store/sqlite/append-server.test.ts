/**
 * The append worker's group-commit loop (append-server.ts), driven in-process over a MessageChannel so that which
 * requests share a transaction is deterministic (requests queued before the server starts are one group), and
 * with the WAL sync under the test's control.
 */
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishBodyBytes } from '../../../src/intake/events-body.ts';
import type { NewEvent } from '../../../src/store/event-log.ts';
import { runMigrations } from '../../../src/store/migrate.ts';
import type { AppendOutcome, AppendWorkerReply, AppendWorkerRequest } from '../../../src/store/sqlite/append-protocol.ts';
import { serveAppends, type PreparePublish, type SyncWal } from '../../../src/store/sqlite/append-server.ts';
import { prepareGroupAppend } from '../../../src/store/sqlite/append-transaction.ts';
import { createSqliteAdapter } from '../../../src/store/sqlite/adapter.ts';
import { openSqliteConnection } from '../../../src/store/sqlite/connection.ts';
import { preparePublish } from '../../../src/store/sqlite/prepare-publish.ts';
import { unpackPrepared } from '../../../src/store/sqlite/prepared-wire.ts';
import { tempDir } from '../../helpers/stores.ts';

const ev = (uid: string): NewEvent => ({ orgId: 'org-a', uid, classUid: 3002, severityId: 1, time: 1, json: `{"uid":"${uid}"}` });
const append = (id: number, uids: string[], now = 100): AppendWorkerRequest => ({ kind: 'append', id, events: uids.map(ev), now });
const login = (id: string) => ({ type: 'user.login', id, user: { user_id: 'u-1' } });
const publish = (id: number, body: string): AppendWorkerRequest => ({ kind: 'publish', id, body: { format: 'json', bytes: publishBodyBytes(body) }, rules: { orgId: 'org-p' }, now: 100 });

let dir: string;
let path: string;
let server: BetterSqlite3.Database;
let client: MessagePort;
let serverPort: MessagePort;
let closedCalls: number;
/** Syncs asked for and not yet completed (manual mode). */
let pendingSyncs: ((err: Error | null) => void)[];

beforeEach(async () => {
  dir = tempDir();
  path = join(dir, 'siemstream.db');
  const adapter = createSqliteAdapter(path);
  await runMigrations(adapter);
  await adapter.close();
  // busy_timeout 0: a locked database fails the transaction at once (the failure test).
  server = openSqliteConnection(path, { busyTimeoutMs: 0, synchronous: 'NORMAL' });
  ({ port1: client, port2: serverPort } = new MessageChannel());
  closedCalls = 0;
  pendingSyncs = [];
});

afterEach(() => {
  client.close();
  if (server.open) server.close();
  rmSync(dir, { recursive: true, force: true });
});

const immediateSync: SyncWal = (done) => setImmediate(() => done(null));
const manualSync: SyncWal = (done) => pendingSyncs.push(done);

function serve(opts: { maxGroupEvents?: number; prepare?: PreparePublish; sync?: SyncWal } = {}) {
  serveAppends(serverPort, prepareGroupAppend(server), {
    preparePublish: opts.prepare ?? preparePublish,
    syncWal: opts.sync ?? immediateSync,
    onClose: () => closedCalls++,
    maxGroupEvents: opts.maxGroupEvents,
  });
}

/** The next `n` outcomes, in the order replied. */
async function outcomes(n: number): Promise<AppendOutcome[]> {
  const out: AppendOutcome[] = [];
  while (out.length < n) {
    const [reply] = (await once(client, 'message')) as [AppendWorkerReply];
    if (reply.kind === 'settled') out.push(...reply.outcomes);
  }
  return out;
}

/** What another connection (a process restarted after a crash) sees. */
function storedUids(): string[] {
  const reader = openSqliteConnection(path);
  try {
    return (reader.prepare('select seq, uid from event_log order by seq').all() as { seq: number; uid: string }[]).map((r) => `${r.seq}:${r.uid}`);
  } finally {
    reader.close();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('append server (group commit)', () => {
  it('commits the requests waiting together in ONE transaction, in order, each with its own result', async () => {
    client.postMessage(append(1, ['a1', 'a2']));
    client.postMessage(append(2, ['a2', 'b1'])); // a2: a duplicate of the earlier append in the same group
    client.postMessage(append(3, ['c1'], 50)); // an older clock: published_at never goes backwards along seq
    serve();
    expect(await outcomes(3)).toEqual([
      { id: 1, commit: 1, result: { appended: 2, duplicates: 0, lastSeq: 2 } },
      { id: 2, commit: 1, result: { appended: 1, duplicates: 1, lastSeq: 3 } },
      { id: 3, commit: 1, result: { appended: 1, duplicates: 0, lastSeq: 4 } },
    ]);
    expect(storedUids()).toEqual(['1:a1', '2:a2', '3:b1', '4:c1']);
    expect(server.prepare('select max(published_at) as p, min(published_at) as q from event_log').get()).toEqual({ p: 100, q: 100 });
  });

  it('bounds a group by its number of events; the rest commits next', async () => {
    client.postMessage(append(1, ['a1', 'a2']));
    client.postMessage(append(2, ['b1', 'b2']));
    client.postMessage(append(3, ['c1']));
    serve({ maxGroupEvents: 3 });
    const settled = await outcomes(3);
    expect(settled.map((o) => [o.id, 'commit' in o && o.commit])).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
    ]);
    expect(settled[2]).toMatchObject({ result: { appended: 1, duplicates: 0, lastSeq: 5 } });
  });

  it('answers only after the WAL sync that followed the commit; commits made during a sync wait for the next one', async () => {
    client.postMessage(append(1, ['a1']));
    serve({ sync: manualSync });
    await settle();
    // Committed (another connection sees it) but not yet synced: no answer.
    expect(storedUids()).toEqual(['1:a1']);
    expect(pendingSyncs).toHaveLength(1);
    const answered: AppendOutcome[] = [];
    client.on('message', (reply: AppendWorkerReply) => reply.kind === 'settled' && answered.push(...reply.outcomes));

    client.postMessage(append(2, ['b1']));
    await settle();
    expect(storedUids()).toEqual(['1:a1', '2:b1']);
    expect(pendingSyncs).toHaveLength(1); // one sync at a time
    expect(answered).toEqual([]);

    pendingSyncs.shift()!(null);
    await settle();
    expect(answered.map((o) => o.id)).toEqual([1]); // the first sync started before b1 was committed
    expect(pendingSyncs).toHaveLength(1);
    pendingSyncs.shift()!(null);
    await settle();
    expect(answered.map((o) => o.id)).toEqual([1, 2]);
  });

  it('a failed sync fails every request it covered', async () => {
    client.postMessage(append(1, ['a1']));
    client.postMessage(append(2, ['b1']));
    serve({ sync: (done) => setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))) });
    expect(await outcomes(2)).toEqual([
      { id: 1, failed: { message: 'EIO: i/o error, fdatasync', code: 'EIO' } },
      { id: 2, failed: { message: 'EIO: i/o error, fdatasync', code: 'EIO' } },
    ]);
  });

  it('a failed transaction fails every request in it and appends none of their events', async () => {
    const blocker = openSqliteConnection(path);
    blocker.exec('begin immediate');
    client.postMessage(append(1, ['a1']));
    client.postMessage(append(2, ['b1', 'b2']));
    serve();
    const failed = await outcomes(2);
    expect(failed).toMatchObject([{ id: 1, failed: { code: 'SQLITE_BUSY' } }, { id: 2, failed: { code: 'SQLITE_BUSY' } }]);
    blocker.exec('commit');
    blocker.close();

    // Nothing of the failed group was kept: not its events, not its uids, not a seq.
    client.postMessage(append(3, ['a1']));
    expect(await outcomes(1)).toEqual([{ id: 3, commit: 2, result: { appended: 1, duplicates: 0, lastSeq: 1 } }]);
    expect(storedUids()).toEqual(['1:a1']);
  });

  it('on close, commits and syncs the requests queued before it, then stops', async () => {
    client.postMessage(append(1, ['a1']));
    client.postMessage({ kind: 'close' } satisfies AppendWorkerRequest);
    client.postMessage(append(2, ['late']));
    serve({ sync: manualSync });
    await settle();
    expect(closedCalls).toBe(0); // the sync of a1 is still under way
    pendingSyncs.shift()!(null);
    expect(await outcomes(1)).toMatchObject([{ id: 1, commit: 1 }]);
    await settle();
    expect(closedCalls).toBe(1);
    expect(storedUids()).toEqual(['1:a1']);
  });

  it('prepares publish bodies in the group: a refused body is answered alone, a valid one commits with the others', async () => {
    const body = JSON.stringify([login('p1'), { type: 'nope' }, login('p2')]);
    client.postMessage(publish(1, body));
    client.postMessage(publish(2, '[{"type": "user.login"'));
    client.postMessage(append(3, ['a1']));
    serve();
    const byId = new Map((await outcomes(3)).map((o) => [o.id, o]));
    expect(byId.get(2)).toMatchObject({ refused: { code: 'SIEM_ERR_VALIDATION', statusCode: 422, message: 'Body is not valid JSON' } });
    expect(byId.get(3)).toEqual({ id: 3, commit: 1, result: { appended: 1, duplicates: 0, lastSeq: 3 } });
    const published = byId.get(1) as Extract<AppendOutcome, { result: unknown }>;
    expect(published.result).toEqual({ appended: 2, duplicates: 0, lastSeq: 2 });
    const prepared = unpackPrepared(published.prepared!, JSON.parse(body).map((e: unknown) => JSON.stringify(e)));
    expect(prepared.valid.map((e) => [e.uid, e.orgId])).toEqual([
      ['p1', 'org-p'],
      ['p2', 'org-p'],
    ]);
    expect(prepared.rejected).toEqual([{ index: 1, error: expect.stringMatching(/^type: unknown simple event type/) }]);
    expect(prepared.orgIds).toEqual(['org-p']);
    expect(storedUids()).toEqual(['1:p1', '2:p2', '3:a1']);
  });

  it('a body whose preparation throws fails alone; the rest of the group commits', async () => {
    client.postMessage(publish(1, JSON.stringify([login('p1')])));
    client.postMessage(append(2, ['a1']));
    serve({
      prepare: () => {
        throw new Error('bug in preparation');
      },
    });
    expect(await outcomes(2)).toEqual([
      { id: 1, failed: { message: 'bug in preparation' } },
      { id: 2, commit: 1, result: { appended: 1, duplicates: 0, lastSeq: 1 } },
    ]);
  });
});
