import { afterAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { EventLog, NewEvent, StoredEvent } from '../../src/store/event-log.ts';
import { KeptNewEvent } from '../../src/store/kept-event.ts';
import { runMigrations } from '../../src/store/migrate.ts';
import { openEventLog } from '../../src/store/open-event-log.ts';
import { createPostgresAdapter } from '../../src/store/postgres/adapter.ts';
import { postgresBackend, postgresUrl, storeBackends, type TestStore } from '../helpers/stores.ts';

let uidCounter = 0;
function ev(over: Partial<NewEvent> = {}): NewEvent {
  const uid = over.uid ?? `uid-${++uidCounter}`;
  const e = { orgId: 'org-a', uid, classUid: 3002, severityId: 1, time: 1_700_000_000_000, ...over };
  return { ...e, json: JSON.stringify({ class_uid: e.classUid, severity_id: e.severityId, metadata: { uid: e.uid } }), ...over };
}

const uidsOf = (rows: StoredEvent[]) => rows.map((r) => r.uid);

describe.each(storeBackends)('event log on $name', (backend) => {
  let store: TestStore;
  let log: EventLog;
  beforeEach(async () => {
    store = await backend.open();
    await runMigrations(store.adapter);
    log = openEventLog(store.adapter);
  });
  afterEach(async () => store?.dispose());

  it('appends in order with consecutive seqs and reads back exactly what was stored', async () => {
    expect(await log.head()).toBe(0);
    const batch = [ev({ orgId: 'org-a' }), ev({ orgId: 'org-b', classUid: 6003, severityId: 4 }), ev()];
    const r = await log.append(batch, 1000);
    expect(r).toEqual({ appended: 3, duplicates: 0, lastSeq: 3 });
    const r2 = await log.append([ev(), ev()], 2000);
    expect(r2).toEqual({ appended: 2, duplicates: 0, lastSeq: 5 });
    expect(await log.head()).toBe(5);

    const all = await log.read({ afterSeq: 0, limit: 100 });
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(all[1]).toEqual({ ...batch[1], seq: 2, publishedAt: 1000 });
    expect(all[3].publishedAt).toBe(2000);
    expect((await log.read({ afterSeq: 2, limit: 2 })).map((e) => e.seq)).toEqual([3, 4]);
    expect((await log.read({ afterSeq: 1, toSeq: 3, limit: 100 })).map((e) => e.seq)).toEqual([2, 3]);
    // toSeq beyond head is clamped to head.
    expect((await log.read({ afterSeq: 4, toSeq: 99, limit: 100 })).map((e) => e.seq)).toEqual([5]);
  });

  it('stores an event kept as sent (its bytes, pipeline/kept-event.ts) and reads back the same text', async () => {
    const text = JSON.stringify({ class_uid: 3002, severity_id: 1, city: 'São Paulo 😀', metadata: { uid: 'kept-1' } });
    const body = Buffer.from(`[${text}]`);
    const kept = new KeptNewEvent('org-a', 'kept-1', 3002, 1, 1_700_000_000_000, body.subarray(1, body.length - 1));
    const plain = ev();
    expect(await log.append([kept, plain], 1000)).toEqual({ appended: 2, duplicates: 0, lastSeq: 2 });
    const rows = await log.read({ afterSeq: 0, limit: 10 });
    expect(rows.map((r) => r.json)).toEqual([text, plain.json]);
    expect(rows.map((r) => typeof r.json)).toEqual(['string', 'string']);
    expect((await log.getBySeqs([1])).map((r) => r.json)).toEqual([text]);
  });

  it('filters by organisation, class and minimum severity', async () => {
    await log.append(
      [
        ev({ uid: 'a1', orgId: 'org-a', classUid: 3002, severityId: 1 }),
        ev({ uid: 'b1', orgId: 'org-b', classUid: 3002, severityId: 5 }),
        ev({ uid: 'a2', orgId: 'org-a', classUid: 6003, severityId: 3 }),
        ev({ uid: 'a3', orgId: 'org-a', classUid: 2004, severityId: 4 }),
      ],
      10,
    );
    expect(uidsOf(await log.read({ afterSeq: 0, orgId: 'org-a', limit: 10 }))).toEqual(['a1', 'a2', 'a3']);
    expect(uidsOf(await log.read({ afterSeq: 0, classUids: [3002, 2004], limit: 10 }))).toEqual(['a1', 'b1', 'a3']);
    expect(uidsOf(await log.read({ afterSeq: 0, minSeverity: 4, limit: 10 }))).toEqual(['b1', 'a3']);
    expect(uidsOf(await log.read({ afterSeq: 0, orgId: 'org-a', classUids: [6003, 2004], minSeverity: 4, limit: 10 }))).toEqual(['a3']);
    expect(uidsOf(await log.read({ afterSeq: 0, classUids: null, minSeverity: null, limit: 10 }))).toHaveLength(4);
    expect(await log.read({ afterSeq: 0, classUids: [], limit: 10 })).toEqual([]);
    expect(await log.count({ afterSeq: 0, orgId: 'org-a' })).toBe(3);
    expect(await log.count({ afterSeq: 1, orgId: 'org-a' })).toBe(2);
    expect(await log.count({ afterSeq: 0, minSeverity: 3, cap: 2 })).toBe(2);
    expect(await log.count({ afterSeq: 0, classUids: [3002], toSeq: 1 })).toBe(1);
  });

  it('de-duplicates uids seen before and repeated inside one batch, until the uids are pruned', async () => {
    const first = await log.append([ev({ uid: 'x' }), ev({ uid: 'y' }), ev({ uid: 'x' })], 100);
    expect(first).toEqual({ appended: 2, duplicates: 1, lastSeq: 2 });
    expect((await log.read({ afterSeq: 0, limit: 10 })).map((e) => [e.uid, e.orgId])).toEqual([['x', 'org-a'], ['y', 'org-a']]);

    expect(await log.append([ev({ uid: 'y' }), ev({ uid: 'x' })], 200)).toEqual({ appended: 0, duplicates: 2, lastSeq: 0 });
    expect(await log.append([ev({ uid: 'z' }), ev({ uid: 'y' })], 300)).toEqual({ appended: 1, duplicates: 1, lastSeq: 3 });

    // Forget uids first seen before 150 (x, y): they are appended again.
    expect(await log.pruneDedupe(150)).toBe(2);
    expect(await log.append([ev({ uid: 'x' }), ev({ uid: 'z' })], 400)).toEqual({ appended: 1, duplicates: 1, lastSeq: 4 });
    expect(await log.append([], 500)).toEqual({ appended: 0, duplicates: 0, lastSeq: 0 });
  });

  it('de-duplicates per organisation: another organisation\'s event with the same uid is stored', async () => {
    // In one batch, in one group of requests, and in later requests.
    const batch = await log.append([ev({ uid: 'u1', orgId: 'org-a' }), ev({ uid: 'u1', orgId: 'org-b' }), ev({ uid: 'u1', orgId: 'org-a' })], 100);
    expect(batch).toEqual({ appended: 2, duplicates: 1, lastSeq: 2 });
    const [a, b] = await Promise.all([log.append([ev({ uid: 'u2', orgId: 'org-a' })], 200), log.append([ev({ uid: 'u2', orgId: 'org-b' })], 200)]);
    expect([a.appended, b.appended]).toEqual([1, 1]);
    expect(await log.append([ev({ uid: 'u1', orgId: 'org-c' }), ev({ uid: 'u1', orgId: 'org-b' }), ev({ uid: 'u2', orgId: 'org-a' })], 300)).toEqual({
      appended: 1,
      duplicates: 2,
      lastSeq: 5,
    });
    const rows = await log.read({ afterSeq: 0, limit: 10 });
    expect(rows.map((e) => [e.uid, e.orgId]).sort()).toEqual([['u1', 'org-a'], ['u1', 'org-b'], ['u1', 'org-c'], ['u2', 'org-a'], ['u2', 'org-b']]);
    expect(await log.pruneDedupe(250)).toBe(4);
    expect(await log.append([ev({ uid: 'u1', orgId: 'org-a' }), ev({ uid: 'u1', orgId: 'org-c' })], 400)).toEqual({ appended: 1, duplicates: 1, lastSeq: 6 });
  });

  it('gets events by seq, finds the seq at a time, prunes, and never reuses a seq after pruning everything', async () => {
    await log.append([ev({ uid: 's1' }), ev({ uid: 's2' })], 1000);
    await log.append([ev({ uid: 's3' })], 2000);
    // A clock step back: published_at stays monotonic along seq.
    await log.append([ev({ uid: 's4' })], 1500);
    await log.append([ev({ uid: 's5' })], 3000);

    expect(uidsOf(await log.getBySeqs([4, 1, 99]))).toEqual(['s1', 's4']);
    expect(await log.getBySeqs([])).toEqual([]);
    expect((await log.getBySeqs([4]))[0].publishedAt).toBe(2000);

    expect(await log.seqAtTime(0)).toBe(1);
    expect(await log.seqAtTime(1000)).toBe(1);
    expect(await log.seqAtTime(1001)).toBe(3);
    expect(await log.seqAtTime(2500)).toBe(5);
    expect(await log.seqAtTime(3001)).toBe(6);

    // Only seq <= 4 AND published before 2000.
    expect(await log.prune({ belowOrAtSeq: 4, publishedBefore: 2000 })).toBe(2);
    expect((await log.read({ afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(await log.prune({ belowOrAtSeq: 5, publishedBefore: 10_000 })).toBe(3);
    expect(await log.read({ afterSeq: 0, limit: 10 })).toEqual([]);
    expect(await log.head()).toBe(5);
    expect(await log.seqAtTime(0)).toBe(6);
    expect(await log.append([ev({ uid: 's6' })], 4000)).toEqual({ appended: 1, duplicates: 0, lastSeq: 6 });
  });

  it('prunes more rows than one chunk', async () => {
    const many = Array.from({ length: 12_000 }, (_, i) => ev({ uid: `bulk-${i}`, json: '{}' }));
    await log.append(many, 10);
    expect(await log.prune({ belowOrAtSeq: 11_000, publishedBefore: 11 })).toBe(11_000);
    expect(await log.count({ afterSeq: 0 })).toBe(1000);
    expect(await log.pruneDedupe(11)).toBe(12_000);
  });
});

describe.runIf(postgresUrl)('event log on postgres: gap safety under concurrent appenders', () => {
  let store: TestStore;
  const extraPools: pg.Pool[] = [];
  afterAll(async () => {
    for (const p of extraPools) await p.end().catch(() => {});
    await store?.dispose();
  });

  it('a cursor reader sees every committed event exactly once and never a seq below one it passed', async () => {
    store = await postgresBackend.open();
    await runMigrations(store.adapter);
    const reader = openEventLog(store.adapter);

    const APPENDERS = 8;
    const APPENDS_EACH = 50;
    const appenders = Array.from({ length: APPENDERS }, () => {
      // One pool per appender: separate connections, as separate instances would have.
      const adapter = createPostgresAdapter({ connectionString: postgresUrl!, schema: store.schema, poolSize: 1 });
      extraPools.push(adapter.pool);
      return openEventLog(adapter);
    });

    let done = false;
    const seen = new Map<number, string>();
    let cursor = 0;
    let violations = 0;
    const readLoop = (async () => {
      for (;;) {
        const finished = done;
        const rows = await reader.read({ afterSeq: cursor, limit: 500 });
        for (const r of rows) {
          if (r.seq <= cursor || seen.has(r.seq)) violations++;
          seen.set(r.seq, r.uid);
          cursor = r.seq;
        }
        if (finished && rows.length === 0) return;
      }
    })();

    let nextUid = 0;
    const committed = new Set<string>();
    await Promise.all(
      appenders.map(async (log, a) => {
        for (let i = 0; i < APPENDS_EACH; i++) {
          const size = 1 + ((a * 31 + i * 17) % 40);
          const batch = Array.from({ length: size }, () => ev({ uid: `gap-${nextUid++}`, json: '{}' }));
          await log.append(batch, Date.now());
          for (const e of batch) committed.add(e.uid);
        }
      }),
    );
    done = true;
    await readLoop;

    expect(violations).toBe(0);
    expect(seen.size).toBe(committed.size);
    expect(new Set(seen.values())).toEqual(committed);
    expect(await reader.head()).toBe(committed.size);
  });
});
