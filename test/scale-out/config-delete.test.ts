/**
 * Issue 5, test 3: a config deleted through one instance stops deliveries from the instance that runs it within
 * a second (LISTEN/NOTIFY), while events for its organisation keep being published. The deleted destination's
 * lease is freed and its cursor gone.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/postgres-instances.ts';
import { postgresUrl } from '../helpers/stores.ts';
import { openCluster, type Cluster } from './cluster.ts';
import { publishRequests } from './publisher.ts';
import { startUidReceiver, type UidReceiver } from './uid-receiver.ts';
import { configBody, ORGS, PER_REQUEST } from './workload.ts';

const REQUESTS = 400;
const UID_PREFIX = `so3-${randomBytes(3).toString('hex')}-`;
const STOP_BOUND_MS = 1000;

describe.skipIf(!postgresUrl)('config deletion across instances', () => {
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

  it(`a config deleted via one instance stops deliveries from the other within ${STOP_BOUND_MS} ms`, { timeout: 90_000 }, async () => {
    const env = { SIEM_FLUSH_INTERVAL_MS: '50' };
    const instances = [await cluster.start('a', { env }), await cluster.start('b', { env })];
    const tokens = await Promise.all(ORGS.map((o) => cluster.token(o)));
    const created = await fetch(`${instances[0].baseUrl}/v1/org/siem-configs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify(configBody('doomed', { org: 0, classUids: null, minSeverity: null }, receiver.url(0), 100)),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    let owner: string | undefined;
    await waitFor(
      async () => {
        owner = (await cluster.db.query<{ owner: string | null }>('select owner from destination_leases where destination_id = $1', [id])).rows[0]?.owner ?? undefined;
        return owner !== undefined;
      },
      10_000,
      'the destination to be leased',
    );
    // Delete through the instance that does NOT run it.
    const runner = instances.find((i) => i.instanceId === owner)!;
    const other = instances.find((i) => i !== runner)!;
    expect(runner).toBeDefined();

    // A steady stream (both organisations) through both instances, until told to stop.
    let publishing = true;
    let stop = false;
    let published = 0;
    const stream = publishRequests({
      targets: () => instances.map((i) => i.baseUrl),
      tokens,
      fromRequest: 0,
      toRequest: REQUESTS,
      uidPrefix: UID_PREFIX,
      concurrency: 1,
      pauseMs: 40,
      stopWhen: () => stop,
      onAccepted: () => void published++,
    }).finally(() => (publishing = false));
    const arrivals = () => receiver.receipts(0).arrivals;
    await waitFor(() => arrivals().length >= 5, 20_000, 'deliveries to flow');

    const res = await fetch(`${other.baseUrl}/v1/org/siem-configs/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${tokens[0]}` } });
    const deletedAt = Date.now();
    expect(res.status).toBe(204);
    const deliveringUntilDelete = arrivals().filter((t) => t > deletedAt - 1000).length;
    const publishedAtDelete = published;

    // Keep publishing its organisation's events for a while: none may arrive once the bound has passed.
    await new Promise((r) => setTimeout(r, STOP_BOUND_MS + 1500));
    expect(publishing).toBe(true);
    expect(published).toBeGreaterThan(publishedAtDelete);
    const last = Math.max(...arrivals());
    console.log(
      `[scale-out] config deleted via ${other.name}; ${runner.name} delivered ${deliveringUntilDelete} requests in the second before, ` +
        `its last delivery arrived ${last - deletedAt} ms after the DELETE answered (bound ${STOP_BOUND_MS} ms)`,
    );
    expect(deliveringUntilDelete).toBeGreaterThan(0);
    expect(last - deletedAt).toBeLessThanOrEqual(STOP_BOUND_MS);

    // Everywhere forgotten: the lease freed by its runner, the cursor deleted.
    await waitFor(
      async () => {
        const lease = await cluster.db.query<{ owner: string | null }>('select owner from destination_leases where destination_id = $1', [id]);
        const cursor = await cluster.db.query('select 1 from delivery_cursors where destination_id = $1', [id]);
        return lease.rows[0]?.owner === null && cursor.rowCount === 0;
      },
      5_000,
      'the lease freed and the cursor deleted',
    );
    stop = true;
    await stream;
  });
});
