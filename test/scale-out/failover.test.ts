/**
 * Issue 5, test 2: three instances share 20 destinations while events stream in. Instance A is killed with
 * `kill -9`, instance B is frozen with SIGSTOP for longer than the lease (default 15 s), then resumed.
 * - takeover: the survivor holds every lease A and B had, with a newer token, within the lease time of the kill;
 * - no loss: every destination receives every event it selects (re-deliveries counted and reported);
 * - fencing: triggers in the database (write-audit.ts) record every cursor and delivery-state write with the
 *   lease as it stood at that moment: no cursor ever moves backwards or back to an older tenure, and no write
 *   lands outside the current lease holder's tenure, although B resumes with work it settled while frozen.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LEASE_MS } from '../../src/pipeline/ownership/lease-ownership.ts';
import { waitFor } from '../helpers/postgres-instances.ts';
import { postgresUrl } from '../helpers/stores.ts';
import { openCluster, type Cluster, type ClusterInstance } from './cluster.ts';
import { outcomes, expectedCounts, waitForDelivery } from './delivery-check.ts';
import { publishRequests } from './publisher.ts';
import { startUidReceiver, type UidReceiver } from './uid-receiver.ts';
import { readWriteAudit, installWriteAudit } from './write-audit.ts';
import { configBody, destinationPlans, ORGS, PER_REQUEST } from './workload.ts';

const DESTINATIONS = 20;
/** Requests of 1,000 events: before the failures, while A is dead and B frozen, after B resumed. */
const PHASES = { before: 15, during: 25, after: 15 };
const EVENTS = (PHASES.before + PHASES.during + PHASES.after) * PER_REQUEST;
const UID_PREFIX = `so2-${randomBytes(3).toString('hex')}-`;
/** B stays frozen this long: past the lease, so its destinations are taken over while it cannot notice. */
const FROZEN_MS = DEFAULT_LEASE_MS + 5_000;
/** Takeover bound: the lease time, plus the survivor's wake-up and claim on a busy 2-core machine. */
const TAKEOVER_SLACK_MS = 1_500;

interface LeaseRow {
  destination_id: string;
  owner: string | null;
  token: number;
}

describe.skipIf(!postgresUrl)('failover on one PostgreSQL: kill -9 and SIGSTOP', () => {
  let cluster: Cluster;
  let receiver: UidReceiver;

  beforeAll(async () => {
    cluster = await openCluster();
    await installWriteAudit(cluster.db);
    receiver = await startUidReceiver({ destinations: DESTINATIONS, events: EVENTS, uidPrefix: UID_PREFIX });
    // A SIEM that takes a moment: batches are in flight whenever an instance is killed or frozen.
    receiver.delayMs = 30;
  });
  afterAll(async () => {
    await receiver?.close();
    await cluster?.dispose();
  });

  const leases = async () => (await cluster.db.query<LeaseRow>('select destination_id, owner, token::int as token from destination_leases')).rows;

  it('takes over within the lease time, loses nothing, and fences off the frozen instance’s late writes', { timeout: 240_000 }, async () => {
    const a = await cluster.start('a');
    const b = await cluster.start('b');
    const c = await cluster.start('c');
    const all = [a, b, c];
    const tokens = await Promise.all(ORGS.map((o) => cluster.token(o)));
    const plans = destinationPlans(DESTINATIONS);
    for (const [d, plan] of plans.entries()) {
      const res = await fetch(`${all[d % 3].baseUrl}/v1/org/siem-configs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[plan.org]}`, 'content-type': 'application/json' },
        body: JSON.stringify(configBody(`dest-${d}`, plan, receiver.url(d), 200)),
      });
      expect(res.status).toBe(201);
    }
    await waitFor(
      async () => {
        const owners = new Map<string, number>();
        for (const l of await leases()) if (l.owner) owners.set(l.owner, (owners.get(l.owner) ?? 0) + 1);
        return owners.size === 3 && [...owners.values()].every((n) => n <= 7) && [...owners.values()].reduce((x, y) => x + y, 0) === DESTINATIONS;
      },
      20_000,
      'every destination leased, spread over the three instances',
    );

    const publish = (targets: ClusterInstance[], fromRequest: number, toRequest: number, pauseMs: number) =>
      publishRequests({ targets: () => targets.map((i) => i.baseUrl), tokens, fromRequest, toRequest, uidPrefix: UID_PREFIX, concurrency: 2, pauseMs });

    // Phase 1: all three publish and deliver.
    await publish(all, 0, PHASES.before, 100);
    const before = await leases();
    const tokenBefore = new Map(before.map((l) => [l.destination_id, l.token]));
    const failed = before.filter((l) => l.owner === a.instanceId || l.owner === b.instanceId).map((l) => l.destination_id);
    expect(before.some((l) => l.owner === a.instanceId) && before.some((l) => l.owner === b.instanceId)).toBe(true);

    // Phase 2: A dies, B freezes; publishing goes on through C.
    const failedAt = Date.now();
    a.child.kill('SIGKILL');
    b.child.kill('SIGSTOP');
    expect(await a.exited).toBe('SIGKILL');
    const publishing = publish([c], PHASES.before, PHASES.before + PHASES.during, 300);
    await waitFor(
      async () => {
        const now = new Map((await leases()).map((l) => [l.destination_id, l]));
        return failed.every((id) => now.get(id)!.owner === c.instanceId && now.get(id)!.token > tokenBefore.get(id)!);
      },
      DEFAULT_LEASE_MS + TAKEOVER_SLACK_MS + 2_000,
      'C to take over every destination of A and B',
    );
    const takeoverMs = Date.now() - failedAt;
    expect(takeoverMs).toBeLessThanOrEqual(DEFAULT_LEASE_MS + TAKEOVER_SLACK_MS);
    await publishing;

    // Phase 3: B resumes (after more than a lease) with batches it sent before freezing; publishing resumes on it.
    await new Promise((r) => setTimeout(r, Math.max(0, failedAt + FROZEN_MS - Date.now())));
    b.child.kill('SIGCONT');
    await publish([b, c], PHASES.before + PHASES.during, PHASES.before + PHASES.during + PHASES.after, 100);

    const expected = expectedCounts(plans, EVENTS);
    await waitForDelivery(receiver, expected, 120_000);
    // B rejoins the fair share: 10 + 10 between the two survivors.
    await waitFor(
      async () => {
        const rows = await leases();
        return [b, c].every((i) => rows.filter((l) => l.owner === i.instanceId).length === DESTINATIONS / 2);
      },
      30_000,
      'B and C to share the destinations evenly',
    );

    const results = outcomes(receiver, plans, EVENTS);
    const missing = results.reduce((n, r) => n + r.missing, 0);
    const duplicates = results.reduce((n, r) => n + r.duplicates, 0);
    const audit = await readWriteAudit(cluster.db);
    console.log(
      `[scale-out] failover: ${EVENTS} events, ${expected.reduce((x, y) => x + y, 0)} selected deliveries; takeover of ${failed.length} ` +
        `destinations ${takeoverMs} ms after kill -9 / SIGSTOP (lease ${DEFAULT_LEASE_MS} ms); missing ${missing}, duplicates ${duplicates}; ` +
        `audited ${audit.cursorWrites} cursor writes and ${audit.stateWrites} delivery-state writes`,
    );
    expect(missing).toBe(0);
    expect(results.reduce((n, r) => n + r.unexpected, 0)).toBe(0);
    expect(receiver.malformed()).toEqual([]);

    // Fencing, as the database saw it.
    expect(audit.backwards).toEqual([]);
    expect(audit.staleCursorWrites).toEqual([]);
    expect(audit.staleStateWrites).toEqual([]);
    expect(audit.cursorDeletes).toBe(0);
    expect(audit.stateWrites).toBeGreaterThan(0);
    expect(audit.cursorWriters).toEqual([a.instanceId, b.instanceId, c.instanceId].sort());
    // And B noticed it had lost its leases (through a refused write or its heartbeat), instead of carrying on.
    expect(b.output()).toMatch(/lease lost|taken over by another instance|write refused/);
  });
});
