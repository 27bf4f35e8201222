/**
 * Fenced writes: what keeps an instance that lost its lease (paused by SIGSTOP, partitioned, slow) from moving a
 * cursor or writing delivery state after another instance took the destination over.
 *
 * THE RULE. A write made on behalf of destination D with fence T by instance I lands only if, at that moment,
 * destination_leases has owner = I and token = T for D; the writer SHARE-locks that lease row for the rest of its
 * transaction. A takeover must UPDATE the row (lease-repo.ts acquire, FOR UPDATE SKIP LOCKED), so the two are
 * serialised by the row lock:
 * - the write commits first: the takeover happens after it, and the new owner reads the cursor (and state) the
 *   old one wrote — nothing it settled is lost, nothing is moved back;
 * - the takeover commits first: the write re-reads the row (READ COMMITTED re-check of a locked row), sees
 *   another owner/token and is refused.
 * Expiry alone refuses nothing: a lapsed lease that nobody took over is still safely the writer's (the token
 * proves no other tenure started). A refused write means "you lost the lease: stop this destination".
 *
 * Cursors additionally never move backwards, and never back to an older tenure: the upsert only applies when the
 * stored position <= the new one and the stored lease_token <= the writer's token. delivery_cursors.lease_owner /
 * lease_token record the tenure that last wrote the cursor, so a test (or an operator) can audit in the
 * database that a cursor's writer tokens only grew.
 *
 * Lock order: rows are share-locked in destination_id order, the order lease renewals lock them in, so a batch of
 * cursor writes and a renewal cannot deadlock.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DeliveryStateSink, DeliveryStateUpdate } from '../delivery/destination.ts';

export interface FencedCursorWrite {
  destinationId: string;
  position: number;
  /** The lease token the writer holds. */
  fence: number;
}

/** written: the cursor moved (or stayed equal); behind: lease held but the stored cursor is further; fenced: lease lost. */
export type FencedWriteOutcome = 'written' | 'behind' | 'fenced';

/**
 * Writes cursors of several destinations in ONE statement, each only under its lease (see the rule above).
 * `db` may be a transaction (the share locks then last until it commits). A destination id given twice keeps its
 * last write. Returns the outcome per destination id.
 */
export async function writeFencedCursors(
  db: Kysely<any>,
  owner: string,
  writes: readonly FencedCursorWrite[],
  now: number,
): Promise<Map<string, FencedWriteOutcome>> {
  const last = new Map(writes.map((w) => [w.destinationId, w]));
  if (last.size === 0) return new Map();
  const list = [...last.values()];
  const { rows } = await sql<{ destination_id: string; leased: boolean; moved: boolean }>`
    with w as (
      select * from unnest(${list.map((w) => w.destinationId)}::text[], ${list.map((w) => w.position)}::bigint[], ${list.map((w) => w.fence)}::bigint[])
        as w(destination_id, position, fence)
    ),
    lease as (
      select l.destination_id from destination_leases l
      join w on w.destination_id = l.destination_id and w.fence = l.token
      where l.owner = ${owner}
      order by l.destination_id
      for share of l
    ),
    moved as (
      insert into delivery_cursors (destination_id, position, updated_at, lease_owner, lease_token, lease_expires_at)
      select w.destination_id, w.position, ${now}::bigint, ${owner}, w.fence, null from w join lease using (destination_id)
      on conflict (destination_id) do update
        set position = excluded.position, updated_at = excluded.updated_at, lease_owner = excluded.lease_owner, lease_token = excluded.lease_token
        where delivery_cursors.position <= excluded.position and delivery_cursors.lease_token <= excluded.lease_token
      returning destination_id
    )
    select w.destination_id, lease.destination_id is not null as leased, moved.destination_id is not null as moved
    from w left join lease using (destination_id) left join moved using (destination_id)`.execute(db);
  return new Map(rows.map((r) => [r.destination_id, r.moved ? 'written' : r.leased ? 'behind' : 'fenced']));
}

export interface LeaseFence {
  destinationId: string;
  owner: string;
  token: number;
}

/**
 * Runs `write` in a transaction that first share-locks the writer's lease row; skips it (accepted: false) when
 * the lease is no longer (owner, token). For writes that are not cursors: delivery state, anything else that a
 * stale owner must not overwrite. The tenure is also recorded for the transaction as the setting
 * `siemstream.lease` = '<owner>:<token>' (same statement, no extra round trip), so a trigger or an auditor can
 * attribute every write made under it (cursor rows carry lease_owner / lease_token themselves).
 */
export async function withLease<T>(
  db: Kysely<any>,
  fence: LeaseFence,
  write: (tx: Transaction<any>) => Promise<T>,
): Promise<{ accepted: true; value: T } | { accepted: false }> {
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql`
      select set_config('siemstream.lease', ${`${fence.owner}:${fence.token}`}, true) from destination_leases
      where destination_id = ${fence.destinationId} and owner = ${fence.owner} and token = ${fence.token}
      for share`.execute(tx);
    if (rows.length === 0) return { accepted: false as const };
    return { accepted: true as const, value: await write(tx) };
  });
}

/**
 * Wraps a feed's state writer so that writes carrying a fence only land under that lease (null fence: written
 * as is, the single-instance case). Refusals are reported to `onRefused` (the engine learns the same from its
 * next fenced cursor write and stops the destination).
 */
export function fencedStateSink<DB>(opts: {
  db: Kysely<DB>;
  owner: string;
  /** The feed's own write, run on `db` or inside the fencing transaction. */
  write: (db: Kysely<DB>, destinationId: string, state: DeliveryStateUpdate) => Promise<void>;
  onRefused?: (destinationId: string, fence: number) => void;
}): DeliveryStateSink {
  return {
    async update(destinationId, state, fence) {
      if (fence === null) return opts.write(opts.db, destinationId, state);
      const r = await withLease(opts.db as Kysely<any>, { destinationId, owner: opts.owner, token: fence }, (tx) =>
        opts.write(tx as unknown as Kysely<DB>, destinationId, state),
      );
      if (!r.accepted) opts.onRefused?.(destinationId, fence);
    },
  };
}
