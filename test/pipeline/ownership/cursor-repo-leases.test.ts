/**
 * The delivery cursor repo with several instances (cursor-repo.ts `owner`): fenced saves report only lost leases
 * as fenced (a cursor already further counts as accepted), and a deletion from an instance acting on a stale
 * listing never removes the cursor of a destination another live instance runs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cursorRepo } from '../../../src/pipeline/delivery/cursor-repo.ts';
import { deliveryDb } from '../../../src/pipeline/delivery/tables.ts';
import { LeaseOwnership } from '../../../src/pipeline/ownership/lease-ownership.ts';
import { openSharedSchema, waitFor, waitForLeasesToExpire, type SharedSchema } from '../../helpers/postgres-instances.ts';
import { postgresUrl } from '../../helpers/stores.ts';

describe.skipIf(!postgresUrl)('cursor repo under leases', () => {
  let shared: SharedSchema;
  const owners: LeaseOwnership[] = [];
  beforeEach(async () => {
    shared = await openSharedSchema();
  });
  afterEach(async () => {
    await Promise.allSettled(owners.splice(0).map((o) => o.close()));
    await shared.dispose();
  });

  function instance() {
    const adapter = shared.pool();
    const ownership = new LeaseOwnership(adapter.db, { leaseMs: 300, renewMs: 50, autoRenew: false });
    owners.push(ownership);
    return { ownership, cursors: cursorRepo(deliveryDb(adapter.db), { owner: ownership.instanceId }) };
  }

  it('saves under the lease; only a lost lease counts as fenced; unfenced writes are refused without an owner', async () => {
    const a = instance();
    await a.ownership.start();
    expect(await a.ownership.claim(['d1', 'd2'])).toEqual(new Map([['d1', 1], ['d2', 1]]));
    expect(await a.cursors.save([{ destinationId: 'd1', position: 10, fence: 1 }, { destinationId: 'd2', position: 5, fence: 1 }], 1)).toEqual([]);
    // Behind the stored cursor: accepted (not fenced), and the cursor stays.
    expect(await a.cursors.save([{ destinationId: 'd1', position: 8, fence: 1 }], 2)).toEqual([]);
    expect(await a.cursors.get('d1')).toBe(10);
    // A token a does not hold: fenced, in the same transaction as a good write.
    expect(await a.cursors.save([{ destinationId: 'd1', position: 20, fence: 1 }, { destinationId: 'd2', position: 9, fence: 7 }], 3)).toEqual(['d2']);
    expect([await a.cursors.get('d1'), await a.cursors.get('d2')]).toEqual([20, 5]);
    // Without an owner a fenced write cannot be judged: refused loudly rather than written unfenced.
    const ownerless = cursorRepo(deliveryDb(shared.pool().db));
    await expect(ownerless.save([{ destinationId: 'd1', position: 30, fence: 1 }], 4)).rejects.toThrow(/owner/);
  });

  it('a deletion never removes the cursor of a destination another live instance holds; a lapsed lease protects nothing', async () => {
    const a = instance();
    const b = instance();
    await a.ownership.start();
    await b.ownership.start();
    await a.ownership.claim(['d1']);
    await a.cursors.save([{ destinationId: 'd1', position: 42, fence: 1 }], 1);

    // b (stale listing: d1 unknown to it) deletes: a still holds the lease, the cursor stays.
    await b.cursors.delete('d1');
    expect(await a.cursors.get('d1')).toBe(42);
    // The holder itself may delete it (the destination was disabled or deleted).
    await a.cursors.delete('d1');
    expect(await a.cursors.get('d1')).toBeUndefined();

    // a's lease lapses (a stopped renewing): b's deletion now goes through.
    await a.cursors.save([{ destinationId: 'd1', position: 50, fence: 1 }], 2);
    await waitFor(async () => (await b.ownership.heartbeat()).live === 1, 2000, 'a to lapse');
    await waitForLeasesToExpire(shared.pool().db, ['d1']);
    await b.cursors.delete('d1');
    expect(await b.cursors.get('d1')).toBeUndefined();
  });
});
