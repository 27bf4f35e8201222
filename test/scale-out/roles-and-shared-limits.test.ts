/**
 * Issue 5: what must hold across instances besides delivery, with the three roles of `serve --role`:
 * - api: every API route, no delivery (takes no lease, not counted in the fair share);
 * - worker: delivery, answering /healthz, /readyz and /metrics only;
 * - all: both.
 * The test-endpoint rate limit (SIEM_TEST_RATE_LIMIT per organisation per minute) and the 24 h metadata.uid
 * de-duplication are shared by every instance: they live in the database.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/postgres-instances.ts';
import { postgresUrl } from '../helpers/stores.ts';
import { openCluster, type Cluster } from './cluster.ts';
import { expectedCounts, waitForDelivery } from './delivery-check.ts';
import { publishRequests } from './publisher.ts';
import { startUidReceiver, type UidReceiver } from './uid-receiver.ts';
import { configBody, ORGS, PER_REQUEST, type DestinationPlan } from './workload.ts';

const RATE_LIMIT = 3;
const REQUESTS = 4;
const UID_PREFIX = `so4-${randomBytes(3).toString('hex')}-`;

describe.skipIf(!postgresUrl)('roles, rate limits and de-duplication across instances', () => {
  let cluster: Cluster;
  let receiver: UidReceiver;

  beforeAll(async () => {
    cluster = await openCluster();
    receiver = await startUidReceiver({ destinations: 1, events: REQUESTS * PER_REQUEST, uidPrefix: UID_PREFIX });
  });
  afterAll(async () => {
    await receiver?.close();
    await cluster?.dispose();
  });

  it('api, worker and all instances share one rate limit and one de-duplication window', { timeout: 90_000 }, async () => {
    const env = { SIEM_TEST_RATE_LIMIT: String(RATE_LIMIT) };
    const api = await cluster.start('api', { role: 'api', env });
    const both = await cluster.start('all', { role: 'all', env });
    const worker = await cluster.start('worker', { role: 'worker', env });
    const tokens = await Promise.all(ORGS.map((o) => cluster.token(o)));
    const auth = { authorization: `Bearer ${tokens[0]}` };

    // Roles: the worker has no public API but the operations endpoints; the api instance takes no part in leasing.
    expect((await fetch(`${worker.baseUrl}/v1/org/siem-configs`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${worker.baseUrl}/v1/events`, { method: 'POST', headers: auth })).status).toBe(404);
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${worker.baseUrl}${path}`)).status).toBe(200);
    expect((await fetch(`${api.baseUrl}/v1/org/siem-configs`, { headers: auth })).status).toBe(200);
    expect(api.instanceId).toBeUndefined();
    const { rows: registered } = await cluster.db.query<{ id: string }>('select id from instances order by id');
    expect(registered.map((r) => r.id)).toEqual([both.instanceId, worker.instanceId].sort());

    const plan: DestinationPlan = { org: 0, classUids: null, minSeverity: null };
    const created = await fetch(`${api.baseUrl}/v1/org/siem-configs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(configBody('shared', plan, receiver.url(0), 500)),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    // De-duplication: the same events published through the api instance, then again through the other one.
    const publishVia = (baseUrl: string) =>
      publishRequests({ targets: () => [baseUrl], tokens, fromRequest: 0, toRequest: REQUESTS, uidPrefix: UID_PREFIX, concurrency: 2 });
    await publishVia(api.baseUrl);
    await publishVia(both.baseUrl);
    const { rows: logged } = await cluster.db.query<{ n: number }>('select count(*)::int as n from event_log');
    expect(logged[0].n).toBe(REQUESTS * PER_REQUEST);
    const [expected] = expectedCounts([plan], REQUESTS * PER_REQUEST);
    await waitForDelivery(receiver, [expected], 20_000);
    // Delivered by whichever of the two delivering instances holds the lease, once.
    const { rows: lease } = await cluster.db.query<{ owner: string }>('select owner from destination_leases where destination_id = $1', [id]);
    expect([both.instanceId, worker.instanceId]).toContain(lease[0].owner);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.receipts(0).unique).toBe(expected);
    expect(receiver.receipts(0).duplicates).toBe(0);

    // Rate limit: one budget per organisation and minute, whichever instance answers. Stay inside one window.
    await waitFor(() => Date.now() % 60_000 < 50_000, 12_000, 'a fresh rate-limit window');
    const statuses: number[] = [];
    for (let i = 0; i < 2 * RATE_LIMIT; i++) {
      const via = i % 2 === 0 ? api : both;
      const res = await fetch(`${via.baseUrl}/v1/org/siem-configs/${id}/test`, { method: 'POST', headers: auth });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array(RATE_LIMIT).fill(200), ...Array(RATE_LIMIT).fill(429)]);
  });
});
