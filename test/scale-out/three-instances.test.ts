/**
 * Issue 5, test 1: three instances as child processes on one PostgreSQL, 20 destinations with varied filters,
 * 200,000 events published round-robin to all three. Every destination receives every event it selects and
 * nothing else; re-deliveries (at-least-once) are counted and reported. SIEM_SCALE_OUT_EVENTS overrides the count.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/postgres-instances.ts';
import { postgresUrl } from '../helpers/stores.ts';
import { openCluster, type Cluster, type ClusterInstance } from './cluster.ts';
import { expectedCounts, outcomes, waitForDelivery } from './delivery-check.ts';
import { publishRequests } from './publisher.ts';
import { startUidReceiver, type UidReceiver } from './uid-receiver.ts';
import { configBody, destinationPlans, ORGS, PER_REQUEST } from './workload.ts';

const EVENTS = Number(process.env.SIEM_SCALE_OUT_EVENTS ?? 200_000);
const DESTINATIONS = 20;
const UID_PREFIX = `so1-${randomBytes(3).toString('hex')}-`;

describe.skipIf(!postgresUrl)('three instances on one PostgreSQL', () => {
  let cluster: Cluster;
  let receiver: UidReceiver;

  beforeAll(async () => {
    cluster = await openCluster();
    receiver = await startUidReceiver({ destinations: DESTINATIONS, events: EVENTS, uidPrefix: UID_PREFIX });
  });
  afterAll(async () => {
    await receiver?.close();
    await cluster?.dispose();
  });

  it(`delivers ${EVENTS.toLocaleString('en-US')} events published round-robin to every destination that selects them`, { timeout: 300_000 }, async () => {
    const instances: ClusterInstance[] = [];
    for (const name of ['a', 'b', 'c']) instances.push(await cluster.start(name));
    const tokens = await Promise.all(ORGS.map((o) => cluster.token(o)));
    const plans = destinationPlans(DESTINATIONS);

    // Destinations are created through all three instances (the others hear of them by NOTIFY).
    for (const [d, plan] of plans.entries()) {
      const via = instances[d % instances.length];
      const res = await fetch(`${via.baseUrl}/v1/org/siem-configs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[plan.org]}`, 'content-type': 'application/json' },
        body: JSON.stringify(configBody(`dest-${d}`, plan, receiver.url(d), 1000)),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }

    const started = Date.now();
    const { retried } = await publishRequests({
      targets: () => instances.map((i) => i.baseUrl),
      tokens,
      fromRequest: 0,
      toRequest: EVENTS / PER_REQUEST,
      uidPrefix: UID_PREFIX,
      concurrency: 6,
    });
    const publishedMs = Date.now() - started;
    expect(retried).toBe(0);

    const expected = expectedCounts(plans, EVENTS);
    await waitForDelivery(receiver, expected, 240_000);
    const deliveredMs = Date.now() - started;

    const results = outcomes(receiver, plans, EVENTS);
    const missing = results.reduce((n, r) => n + r.missing, 0);
    const unexpected = results.reduce((n, r) => n + r.unexpected, 0);
    const duplicates = results.reduce((n, r) => n + r.duplicates, 0);
    const deliveries = expected.reduce((a, b) => a + b, 0);
    // Every instance runs its fair share: ceil(20 / 3) = 7 at most (creation order may need one rebalance tick).
    let leases: { owner: string; n: number }[] = [];
    await waitFor(
      async () => {
        ({ rows: leases } = await cluster.db.query<{ owner: string; n: number }>(
          'select owner, count(*)::int as n from destination_leases where owner is not null group by owner order by n desc',
        ));
        return leases.length === 3 && leases.every((l) => l.n <= 7);
      },
      20_000,
      'an even spread of leases',
    );
    console.log(
      `[scale-out] 3 instances, ${DESTINATIONS} destinations: ${EVENTS} events published in ${publishedMs} ms, ` +
        `${deliveries} selected deliveries complete after ${deliveredMs} ms; missing ${missing}, unexpected ${unexpected}, ` +
        `duplicates ${duplicates}; leases per instance ${leases.map((l) => l.n).join('/')}`,
    );
    expect(missing).toBe(0);
    expect(unexpected).toBe(0);
    expect(receiver.malformed()).toEqual([]);
    expect(leases.map((l) => l.owner).sort()).toEqual(instances.map((i) => i.instanceId).sort());
    expect(leases.reduce((n, l) => n + l.n, 0)).toBe(DESTINATIONS);
  });
});
