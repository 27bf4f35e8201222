/**
 * An instance frozen in the middle of a transaction (SIGSTOP, a long GC pause, a partition) must not keep its
 * locks: the lease row its fenced write share-locks would hold every takeover off, and the event log's append
 * lock would stall every instance's publishing. The PostgreSQL adapter has the server end sessions idle inside a
 * transaction (adapter.ts idleInTransactionTimeoutMs); the frozen write then fails instead of landing late.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withLease } from '../../src/pipeline/ownership/fencing.ts';
import { LeaseOwnership } from '../../src/pipeline/ownership/lease-ownership.ts';
import { createPostgresAdapter, DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS } from '../../src/store/postgres/adapter.ts';
import { openSharedSchema, waitFor, type SharedSchema } from '../helpers/postgres-instances.ts';
import { postgresUrl } from '../helpers/stores.ts';

describe.skipIf(!postgresUrl)('a transaction frozen on the client', () => {
  let shared: SharedSchema;
  const closers: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    shared = await openSharedSchema();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close().catch(() => {});
    await shared.dispose();
  });

  it('every pooled connection carries the idle-in-transaction timeout', async () => {
    const { rows } = await sql<{ t: string }>`select current_setting('idle_in_transaction_session_timeout') as t`.execute(shared.pool().db);
    expect(rows[0].t).toBe(`${DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS / 1000}s`);
  });

  it('does not hold a takeover off past the timeout, and its write never lands', async () => {
    const frozen = createPostgresAdapter({ connectionString: postgresUrl!, schema: shared.schema, poolSize: 2, idleInTransactionTimeoutMs: 300 });
    closers.push(() => frozen.close());
    const a = new LeaseOwnership(frozen.db, { leaseMs: 400, renewMs: 100, autoRenew: false });
    const b = new LeaseOwnership(shared.pool().db, { leaseMs: 400, renewMs: 100, autoRenew: false });
    closers.push(() => b.close());
    await a.start();
    expect(await a.claim(['d1'])).toEqual(new Map([['d1', 1]]));

    // a's fenced write takes the lease row lock, then a freezes before its next statement.
    let thaw!: () => void;
    const thawed = new Promise<void>((resolve) => (thaw = resolve));
    const write = withLease(frozen.db, { destinationId: 'd1', owner: a.instanceId, token: 1 }, async (tx) => {
      await thawed;
      await sql`insert into delivery_cursors (destination_id, position, updated_at, lease_owner, lease_token) values ('d1', 99, 0, ${a.instanceId}, 1)`.execute(tx);
    });

    // b takes over once a's lease lapsed, although a never committed nor rolled back.
    await b.start();
    const took = await waitFor(async () => (await b.claim(['d1'])).get('d1') === 2, 3000, 'b to take the lease over');
    expect(took).toBeLessThan(2000);
    thaw();
    await expect(write).rejects.toThrow();
    const { rows } = await sql`select 1 from delivery_cursors where destination_id = 'd1'`.execute(shared.store.adapter.db);
    expect(rows).toEqual([]);
  });
});
