import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fencedStateSink, withLease, writeFencedCursors } from '../../../src/pipeline/ownership/fencing.ts';
import { LeaseOwnership } from '../../../src/pipeline/ownership/lease-ownership.ts';
import type { Database } from '../../../src/store/database.ts';
import { siemConfigRepo, type SiemConfigRecord } from '../../../src/store/repos/siem-configs.ts';
import { openSharedSchema, waitFor, waitForLeasesToExpire, type SharedSchema } from '../../helpers/postgres-instances.ts';
import { postgresUrl } from '../../helpers/stores.ts';
import type { Kysely } from 'kysely';

const LEASE_MS = 300;

describe.skipIf(!postgresUrl)('fenced writes on PostgreSQL', () => {
  let shared: SharedSchema;
  const owners: LeaseOwnership[] = [];

  beforeEach(async () => {
    shared = await openSharedSchema();
  });
  afterEach(async () => {
    await Promise.allSettled(owners.splice(0).map((o) => o.close()));
    await shared.dispose();
  });

  function instance(): { ownership: LeaseOwnership; db: Kysely<Database> } {
    const adapter = shared.pool();
    const ownership = new LeaseOwnership(adapter.db, { leaseMs: LEASE_MS, renewMs: 50, autoRenew: false });
    owners.push(ownership);
    return { ownership, db: adapter.db };
  }

  async function cursor(id: string): Promise<{ position: number; lease_owner: string | null; lease_token: number } | undefined> {
    const { rows } = await sql<{ position: number; lease_owner: string | null; lease_token: number }>`
      select position, lease_owner, lease_token from delivery_cursors where destination_id = ${id}`.execute(shared.store.adapter.db);
    return rows[0];
  }

  /** Lets `from`'s leases lapse so `to` (heartbeating meanwhile) can take them over. */
  async function takeOver(from: LeaseOwnership, to: LeaseOwnership, ids: string[]): Promise<Map<string, number | null>> {
    await waitFor(async () => (await to.heartbeat()).live === 1, 2000, `${from.instanceId} to lapse`);
    await waitForLeasesToExpire(shared.store.adapter.db, ids);
    return to.claim(ids);
  }

  it('moves a cursor only under the writer’s lease, never backwards, and refuses a stale holder after a takeover', async () => {
    const a = instance();
    const b = instance();
    await a.ownership.start();
    expect(await a.ownership.claim(['d1', 'd2'])).toEqual(new Map([['d1', 1], ['d2', 1]]));
    const me = a.ownership.instanceId;

    // First write creates the cursor and records the tenure that wrote it.
    expect(await writeFencedCursors(a.db, me, [{ destinationId: 'd1', position: 100, fence: 1 }], 1)).toEqual(new Map([['d1', 'written']]));
    expect(await cursor('d1')).toEqual({ position: 100, lease_owner: me, lease_token: 1 });
    // Backwards: the lease is fine, the cursor stays.
    expect((await writeFencedCursors(a.db, me, [{ destinationId: 'd1', position: 90, fence: 1 }], 2)).get('d1')).toBe('behind');
    expect((await cursor('d1'))!.position).toBe(100);
    // A token this instance does not hold, or another instance's id with the right token: refused.
    expect((await writeFencedCursors(a.db, me, [{ destinationId: 'd1', position: 150, fence: 2 }], 3)).get('d1')).toBe('fenced');
    expect((await writeFencedCursors(a.db, b.ownership.instanceId, [{ destinationId: 'd1', position: 150, fence: 1 }], 3)).get('d1')).toBe('fenced');
    expect((await cursor('d1'))!.position).toBe(100);
    // Several destinations in one statement, each judged on its own (d3 has no lease at all).
    const batch = await writeFencedCursors(
      a.db,
      me,
      [
        { destinationId: 'd1', position: 120, fence: 1 },
        { destinationId: 'd2', position: 7, fence: 1 },
        { destinationId: 'd3', position: 9, fence: 1 },
      ],
      4,
    );
    expect(batch).toEqual(new Map([['d1', 'written'], ['d2', 'written'], ['d3', 'fenced']]));
    expect(await cursor('d3')).toBeUndefined();

    // a pauses past its lease; b takes both destinations over with token 2.
    await b.ownership.start();
    expect(await takeOver(a.ownership, b.ownership, ['d1', 'd2'])).toEqual(new Map([['d1', 2], ['d2', 2]]));
    // a wakes up and tries to write what it settled meanwhile: refused, even moving forward.
    expect((await writeFencedCursors(a.db, me, [{ destinationId: 'd1', position: 500, fence: 1 }], 5)).get('d1')).toBe('fenced');
    expect(await cursor('d1')).toEqual({ position: 120, lease_owner: me, lease_token: 1 });
    expect((await writeFencedCursors(b.db, b.ownership.instanceId, [{ destinationId: 'd1', position: 130, fence: 2 }], 6)).get('d1')).toBe('written');
    expect(await cursor('d1')).toEqual({ position: 130, lease_owner: b.ownership.instanceId, lease_token: 2 });
  });

  it('a write in progress holds a takeover off until it commits; the new owner then sees that write', async () => {
    const a = instance();
    const b = instance();
    await a.ownership.start();
    await b.ownership.start();
    await a.ownership.claim(['d1']);
    const me = a.ownership.instanceId;
    await waitFor(async () => (await b.ownership.heartbeat()).live === 1, 2000, 'a to lapse');
    await waitForLeasesToExpire(shared.store.adapter.db, ['d1']);

    // a's lease has expired but nobody took it: a writes, and keeps its transaction open for a while.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    const writing = a.db.transaction().execute(async (tx) => {
      const outcome = await writeFencedCursors(tx, me, [{ destinationId: 'd1', position: 200, fence: 1 }], 1);
      inside();
      await gate;
      return outcome.get('d1');
    });
    await entered;
    // The lease row is share-locked by the write: SKIP LOCKED leaves it to a later claim.
    expect((await b.ownership.claim(['d1'])).size).toBe(0);
    release();
    expect(await writing).toBe('written');
    expect(await b.ownership.claim(['d1'])).toEqual(new Map([['d1', 2]]));
    expect((await cursor('d1'))!.position).toBe(200);
    expect((await writeFencedCursors(a.db, me, [{ destinationId: 'd1', position: 300, fence: 1 }], 2)).get('d1')).toBe('fenced');
  });

  it('delivery state writes of a stale holder are refused and reported', async () => {
    const a = instance();
    const b = instance();
    await a.ownership.start();
    await b.ownership.start();
    const repo = siemConfigRepo(shared.store.adapter.db);
    await repo.insert(configRecord('cfg-1'));
    await a.ownership.claim(['cfg-1']);

    const refused: [string, number][] = [];
    const sinkFor = (o: { ownership: LeaseOwnership; db: Kysely<Database> }) =>
      fencedStateSink({
        db: o.db,
        owner: o.ownership.instanceId,
        write: (db, id, state) => siemConfigRepo(db).updateDeliveryState(id, state),
        onRefused: (id, fence) => refused.push([id, fence]),
      });
    const sinkA = sinkFor(a);
    await sinkA.update('cfg-1', { deliveryStatus: 'degraded', failureCount: 2, lastError: 'HTTP 503' }, 1);
    expect(await repo.getById('cfg-1')).toMatchObject({ deliveryStatus: 'degraded', failureCount: 2, lastError: 'HTTP 503' });
    expect(refused).toEqual([]);

    expect(await takeOver(a.ownership, b.ownership, ['cfg-1'])).toEqual(new Map([['cfg-1', 2]]));
    await sinkFor(b).update('cfg-1', { deliveryStatus: 'healthy', failureCount: 0, lastError: null, lastDeliveryAt: 5000 }, 2);
    // a's late health write would flip it back to degraded: refused.
    await sinkA.update('cfg-1', { deliveryStatus: 'error', failureCount: 9, lastError: 'stale' }, 1);
    expect(refused).toEqual([['cfg-1', 1]]);
    expect(await repo.getById('cfg-1')).toMatchObject({ deliveryStatus: 'healthy', failureCount: 0, lastError: null, lastDeliveryAt: 5000 });

    // withLease returns the write's value when accepted.
    expect(await withLease(b.db, { destinationId: 'cfg-1', owner: b.ownership.instanceId, token: 2 }, async () => 'ok')).toEqual({ accepted: true, value: 'ok' });
    expect(await withLease(b.db, { destinationId: 'cfg-1', owner: b.ownership.instanceId, token: 1 }, async () => 'ok')).toEqual({ accepted: false });
  });
});

function configRecord(id: string): SiemConfigRecord {
  return {
    id,
    orgId: 'org-a',
    name: 'splunk',
    connectorType: 'splunk_hec',
    config: {},
    batchSize: 100,
    enabled: true,
    filterClassUids: null,
    filterMinSeverity: null,
    deliveryStatus: 'healthy',
    failureCount: 0,
    lastDeliveryAt: null,
    lastSuccessfulBatchAt: null,
    lastError: null,
    lastTestAt: null,
    lastTestResult: null,
    createdAt: 1,
    updatedAt: 1,
    version: 1,
  };
}
