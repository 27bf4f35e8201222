import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fairShare, LeaseOwnership, type LeaseOwnershipOptions } from '../../../src/pipeline/ownership/lease-ownership.ts';
import { openSharedSchema, waitFor, waitForLeasesToExpire, type InstanceAdapter, type SharedSchema } from '../../helpers/postgres-instances.ts';
import { postgresUrl } from '../../helpers/stores.ts';

const destinations = (n: number) => Array.from({ length: n }, (_, i) => `dest-${String(i).padStart(2, '0')}`);

interface LeaseRowView {
  destination_id: string;
  owner: string | null;
  token: number;
  expires_at: number | null;
}

describe('fairShare', () => {
  it('is the ceiling of destinations per live instance, never dividing by zero', () => {
    expect(fairShare(20, 3)).toBe(7);
    expect(fairShare(20, 4)).toBe(5);
    expect(fairShare(20, 2)).toBe(10);
    expect(fairShare(1, 3)).toBe(1);
    expect(fairShare(0, 3)).toBe(0);
    expect(fairShare(5, 0)).toBe(5);
  });
});

describe.skipIf(!postgresUrl)('lease ownership on PostgreSQL', () => {
  let shared: SharedSchema;
  const owners: LeaseOwnership[] = [];

  beforeEach(async () => {
    shared = await openSharedSchema();
  });
  afterEach(async () => {
    await Promise.allSettled(owners.splice(0).map((o) => o.close()));
    await shared.dispose();
  });

  /** A simulated instance: its own pool and ownership object (manual heartbeats unless autoRenew). */
  function instance(opts: LeaseOwnershipOptions = {}): { ownership: LeaseOwnership; adapter: InstanceAdapter } {
    const adapter = shared.pool();
    const ownership = new LeaseOwnership(adapter.db, { leaseMs: 600, renewMs: 100, autoRenew: false, ...opts });
    owners.push(ownership);
    return { ownership, adapter };
  }

  /** What the engine's reconcile does: claim everything, stop (then release) what is no longer granted. */
  async function reconcile(o: LeaseOwnership, ids: readonly string[]): Promise<Map<string, number | null>> {
    const before = o.holdings();
    const granted = await o.claim(ids);
    for (const id of before.keys()) if (!granted.has(id)) await o.release(id);
    return granted;
  }

  async function leaseRows(): Promise<Map<string, LeaseRowView>> {
    const { rows } = await sql<LeaseRowView>`select destination_id, owner, token, expires_at from destination_leases`.execute(shared.store.adapter.db);
    return new Map(rows.map((r) => [r.destination_id, r]));
  }

  function expectNoSharing(holdings: Map<string, number>[]): void {
    const all = holdings.flatMap((h) => [...h.keys()]);
    expect(new Set(all).size).toBe(all.length);
  }

  function expectPartition(holdings: Map<string, number>[], ids: readonly string[]): void {
    expectNoSharing(holdings);
    expect(holdings.flatMap((h) => [...h.keys()]).sort()).toEqual([...ids].sort()); // every destination is owned
  }

  it('acquires free leases with token 1, renews them with the same token, and releases them', async () => {
    const { ownership: a } = instance();
    await a.start();
    const ids = destinations(5);
    const granted = await a.claim(ids);
    expect([...granted.entries()].sort()).toEqual(ids.map((id) => [id, 1]));
    const first = await leaseRows();
    for (const id of ids) expect(first.get(id)).toMatchObject({ owner: a.instanceId, token: 1 });

    await sleep(30);
    expect(await a.heartbeat()).toEqual({ live: 1, lost: [], rebalance: false });
    const renewed = await leaseRows();
    for (const id of ids) {
      expect(renewed.get(id)!.token).toBe(1);
      expect(renewed.get(id)!.expires_at!).toBeGreaterThan(first.get(id)!.expires_at!);
    }
    // A second claim renews; it does not re-acquire (same tokens).
    expect(await a.claim(ids)).toEqual(granted);

    await a.release('dest-00');
    expect((await leaseRows()).get('dest-00')).toMatchObject({ owner: null, token: 1, expires_at: null });
    // Acquiring again starts a new tenure: token + 1.
    expect((await a.claim(ids)).get('dest-00')).toBe(2);
  });

  it('takes over an expired lease with a higher token; the former holder finds it lost', async () => {
    const { ownership: a } = instance({ leaseMs: 300, renewMs: 50 });
    const { ownership: b } = instance({ leaseMs: 300, renewMs: 50 });
    const ids = destinations(3);
    await a.start();
    await b.start();
    await a.claim(ids); // live 2 → share 2
    expect(a.holdings().size).toBe(2);
    expect((await b.claim(ids)).size).toBe(1);

    // a stops heartbeating (paused); b keeps going until a's leases and liveness lapse.
    const aHeld = [...a.holdings().keys()].sort();
    await waitFor(async () => (await b.heartbeat()).live === 1, 2000, 'a to count as dead');
    await waitForLeasesToExpire(shared.store.adapter.db, aHeld);
    const taken = await b.claim(ids);
    expect(taken.size).toBe(3);
    for (const id of aHeld) expect(taken.get(id)).toBe(2);

    const report = await a.heartbeat();
    expect(report.lost.sort()).toEqual(aHeld);
    expect(report.rebalance).toBe(true);
    expect(a.holdings().size).toBe(0);
    const rows = await leaseRows();
    for (const id of ids) expect(rows.get(id)!.owner).toBe(b.instanceId);
  });

  it('spreads 20 destinations evenly over 3 instances and rebalances when one dies and a 4th joins', async () => {
    const ids = destinations(20);
    const [a, b, c] = [instance().ownership, instance().ownership, instance().ownership];
    for (const o of [a, b, c]) await o.start();
    for (const o of [a, b, c]) await reconcile(o, ids);
    expect([a, b, c].map((o) => o.holdings().size)).toEqual([7, 7, 6]);
    expectPartition([a.holdings(), b.holdings(), c.holdings()], ids);
    const cHeld = [...c.holdings().keys()];

    // c stops heartbeating; a and b keep renewing until c counts as dead and its leases have expired.
    await waitFor(
      async () => {
        const [ra] = await Promise.all([a.heartbeat(), b.heartbeat()]);
        return ra.live === 2;
      },
      3000,
      'c to count as dead',
    );
    await waitForLeasesToExpire(shared.store.adapter.db, cHeld);
    expect((await a.heartbeat()).rebalance).toBe(true); // below the new share (10) with free leases
    await reconcile(a, ids);
    await reconcile(b, ids);
    expect([a, b].map((o) => o.holdings().size)).toEqual([10, 10]);
    expectPartition([a.holdings(), b.holdings()], ids);
    const takenOver = new Map([...a.holdings(), ...b.holdings()]);
    for (const id of cHeld) expect(takenOver.get(id)).toBe(2);

    // A 4th instance joins: the others see the live count change, shed down to the share, the newcomer fills up.
    const { ownership: d } = instance();
    await d.start();
    expect((await a.heartbeat()).rebalance).toBe(true);
    expect((await b.heartbeat()).rebalance).toBe(true);
    await reconcile(a, ids);
    await reconcile(b, ids);
    expect([a, b].map((o) => o.holdings().size)).toEqual([7, 7]);
    await reconcile(d, ids);
    expect(d.holdings().size).toBe(6);
    expectPartition([a.holdings(), b.holdings(), d.holdings()], ids);
    // d's leases are new tenures: each token is higher than the one before the shed.
    for (const [id, token] of d.holdings()) expect(token).toBeGreaterThan(takenOver.get(id)!);
    expect((await d.heartbeat()).rebalance).toBe(false);
  });

  it('concurrent claims never grant one tenure (destination, token) to two instances', async () => {
    const ids = destinations(20);
    const group = [instance().ownership, instance().ownership, instance().ownership, instance().ownership];
    await Promise.all(group.map((o) => o.start()));
    const tenures = new Map<string, string>();
    for (let round = 0; round < 5; round++) {
      await Promise.all(group.map((o) => reconcile(o, ids)));
      for (const o of group) {
        for (const [id, token] of o.holdings()) {
          const key = `${id}#${token}`;
          expect(tenures.get(key) ?? o.instanceId).toBe(o.instanceId);
          tenures.set(key, o.instanceId);
        }
      }
      expectNoSharing(group.map((o) => o.holdings()));
    }
    // Settled: every destination owned, nobody above the share of 5.
    expectPartition(group.map((o) => o.holdings()), ids);
    for (const o of group) expect(o.holdings().size).toBeLessThanOrEqual(5);
  });

  it('a partial claim decides for that destination only: no shedding, acquisition only below the share', async () => {
    const ids = destinations(4);
    const { ownership: a } = instance();
    const { ownership: b } = instance();
    await a.start();
    await b.start();
    await reconcile(a, ids);
    await reconcile(b, ids);
    expect([a.holdings().size, b.holdings().size]).toEqual([2, 2]);

    // A held destination: renewed, same token; the other holdings stay.
    const [held, token] = [...a.holdings()][0];
    expect(await a.claim([held], { partial: true })).toEqual(new Map([[held, token]]));
    expect(a.holdings().size).toBe(2);
    // A new destination while a is at its share (ceil(5 / 2) = 3 > 2): acquired.
    expect(await a.claim(['dest-new'], { partial: true })).toEqual(new Map([['dest-new', 1]]));
    // Another new one: a holds 3 = ceil(6 / 2): not taken, and b (2 < 3) gets it.
    expect((await a.claim(['dest-newer'], { partial: true })).size).toBe(0);
    expect(await b.claim(['dest-newer'], { partial: true })).toEqual(new Map([['dest-newer', 1]]));
    // Someone else's destination is never taken by a partial claim.
    const [bHeld] = [...b.holdings().keys()];
    expect((await a.claim([bHeld], { partial: true })).size).toBe(0);
    expect(() => a.claim(['x', 'y'], { partial: true })).toThrow(/exactly one/);
  });

  it('partial claims as destinations appear one by one: the first instance keeps its first lease, and an instance that joined since its last tick counts', async () => {
    const { ownership: a } = instance();
    await a.start();
    // The first destination ever: a holds it, and keeps holding (and renewing) it while more appear.
    expect(await a.claim(['dest-00'], { partial: true })).toEqual(new Map([['dest-00', 1]]));
    expect(await a.claim(['dest-01'], { partial: true })).toEqual(new Map([['dest-01', 1]]));
    expect([...a.holdings().keys()].sort()).toEqual(['dest-00', 'dest-01']);
    // b and c join; a has not ticked since. With 3 destinations and 3 live instances a's share is 1: no more.
    const { ownership: b } = instance();
    const { ownership: c } = instance();
    await b.start();
    await c.start();
    expect((await a.claim(['dest-02'], { partial: true })).size).toBe(0);
    expect(await b.claim(['dest-02'], { partial: true })).toEqual(new Map([['dest-02', 1]]));
    // a is above its share: its next tick asks for a rebalance, whose full claim sheds one.
    expect((await a.heartbeat()).rebalance).toBe(true);
    expect((await reconcile(a, destinations(3))).size).toBe(1);
    expect((await reconcile(c, destinations(3))).size).toBe(1);
    expectPartition([a.holdings(), b.holdings(), c.holdings()], destinations(3));
  });

  it('with its heartbeat timer, takes a killed instance’s destinations over within about the lease time', async () => {
    const ids = destinations(20);
    const leaseMs = 500;
    const a = instance({ leaseMs, renewMs: 100, autoRenew: true }).ownership;
    const victim = instance({ leaseMs, renewMs: 100, autoRenew: true });
    const b = victim.ownership;
    // The "engine": every rebalance signal runs a reconcile.
    for (const o of [a, b]) o.onRebalance(() => void reconcile(o, ids).catch(() => {}));
    await a.start();
    await b.start();
    await reconcile(a, ids);
    await reconcile(b, ids);
    await waitFor(() => a.holdings().size === 10 && b.holdings().size === 10, 2000, 'an even split');

    // kill -9: the process vanishes mid-lease; its connections drop, nothing is released.
    const killedAt = Date.now();
    await victim.adapter.close();
    await waitFor(() => a.holdings().size === 20, 3000, 'the takeover');
    // Lease time plus one wake-up grace and a few queries on a busy 2-core machine.
    expect(Date.now() - killedAt).toBeLessThan(leaseMs + 500);
    const rows = await leaseRows();
    for (const id of ids) expect(rows.get(id)!.owner).toBe(a.instanceId);
  });
});
