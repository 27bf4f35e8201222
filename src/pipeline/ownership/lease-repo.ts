/**
 * The statements behind lease-based ownership (tables of migration 004-leases), PostgreSQL only.
 *
 * Every time comes from the DATABASE clock, so instances with skewed clocks still agree on who is alive and
 * which lease has expired. Statements that lock several lease rows lock them in destination_id order (the
 * fenced cursor writes of fencing.ts do the same), so renewals and cursor writes never deadlock.
 */
import { sql, type Kysely } from 'kysely';

/** Epoch ms on the database clock (clock_timestamp: the real time, not the transaction start). */
export const DB_NOW_MS = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export interface Lease {
  destinationId: string;
  token: number;
}

interface LeaseRow {
  destination_id: string;
  token: number | string;
}

const toLeases = (rows: LeaseRow[]): Lease[] => rows.map((r) => ({ destinationId: r.destination_id, token: Number(r.token) }));

/** Instance rows not seen for this many lease times are deleted (they only matter while recent). */
const FORGET_AFTER_LEASES = 20;

export function leaseRepo(db: Kysely<any>, instanceId: string, leaseMs: number) {
  return {
    /**
     * Records this instance as alive and counts live instances (seen within one lease time), itself included.
     * Long-dead instance rows are dropped on the way.
     */
    async heartbeat(): Promise<{ now: number; live: number }> {
      const { rows } = await sql<{ now: number | string; live: number | string }>`
        with clock as (select ${DB_NOW_MS} as now),
        beat as (
          insert into instances (id, started_at, last_seen_at) select ${instanceId}, now, now from clock
          on conflict (id) do update set last_seen_at = excluded.last_seen_at
        ),
        forgotten as (delete from instances where last_seen_at < (select now from clock) - ${leaseMs * FORGET_AFTER_LEASES})
        select clock.now,
          1 + (select count(*) from instances i where i.id <> ${instanceId} and i.last_seen_at > clock.now - ${leaseMs}) as live
        from clock`.execute(db);
      return { now: Number(rows[0].now), live: Number(rows[0].live) };
    },

    /** Creates the lease rows of destinations seen for the first time (token 0, free). */
    async ensure(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      await sql`insert into destination_leases (destination_id) select unnest(${ids}::text[]) on conflict do nothing`.execute(db);
    },

    /** Leases this instance holds in the table among `ids`, expired or not. */
    async held(ids: readonly string[]): Promise<Lease[]> {
      if (ids.length === 0) return [];
      const { rows } = await sql<LeaseRow>`
        select destination_id, token from destination_leases
        where owner = ${instanceId} and destination_id = any(${ids}::text[])`.execute(db);
      return toLeases(rows);
    },

    /**
     * Extends the leases this instance still holds among `ids` (same token: nobody acquired them in between,
     * or the owner would differ). Returns the ones extended; a missing id was taken over.
     */
    async renew(ids: readonly string[]): Promise<Lease[]> {
      if (ids.length === 0) return [];
      const { rows } = await sql<LeaseRow>`
        with mine as (
          select destination_id from destination_leases
          where owner = ${instanceId} and destination_id = any(${ids}::text[])
          order by destination_id for update
        )
        update destination_leases l set expires_at = ${DB_NOW_MS} + ${leaseMs}
        from mine where l.destination_id = mine.destination_id
        returning l.destination_id, l.token`.execute(db);
      return toLeases(rows);
    },

    /**
     * Takes up to `limit` free or expired leases among `ids`, each with token + 1. SKIP LOCKED: a row another
     * instance is acquiring, or whose holder is writing through it right now (fencing.ts share-locks it), is
     * left alone; the WHERE is re-checked on the locked row, so two instances never take the same tenure.
     */
    async acquire(ids: readonly string[], limit: number): Promise<Lease[]> {
      if (ids.length === 0 || limit <= 0) return [];
      const { rows } = await sql<LeaseRow>`
        with clock as (select ${DB_NOW_MS} as now),
        candidates as (
          select destination_id from destination_leases
          where destination_id = any(${ids}::text[]) and (owner is null or expires_at < (select now from clock))
          order by destination_id
          limit ${limit}
          for update skip locked
        )
        update destination_leases l
        set owner = ${instanceId}, token = l.token + 1, acquired_at = clock.now, expires_at = clock.now + ${leaseMs}
        from candidates, clock
        where l.destination_id = candidates.destination_id
        returning l.destination_id, l.token`.execute(db);
      return toLeases(rows);
    },

    /** Frees a lease this instance holds; the token stays (the next holder gets token + 1). */
    async release(id: string): Promise<void> {
      await sql`update destination_leases set owner = null, expires_at = null where destination_id = ${id} and owner = ${instanceId}`.execute(db);
    },

    /** Frees every lease of this instance and removes its instance row (graceful shutdown). */
    async leave(): Promise<void> {
      await sql`
        with mine as (select destination_id from destination_leases where owner = ${instanceId} order by destination_id for update),
        freed as (
          update destination_leases l set owner = null, expires_at = null from mine where l.destination_id = mine.destination_id
        )
        delete from instances where id = ${instanceId}`.execute(db);
    },

    /**
     * Among `ids`: how many leases anyone may take now, and the earliest expiry of a lease another instance
     * holds (a dead instance's leases become free then).
     */
    async survey(ids: readonly string[]): Promise<{ free: number; nextForeignExpiry: number | null }> {
      if (ids.length === 0) return { free: 0, nextForeignExpiry: null };
      const { rows } = await sql<{ free: number | string; next_expiry: number | string | null }>`
        with clock as (select ${DB_NOW_MS} as now)
        select
          count(*) filter (where owner is null or expires_at < clock.now) as free,
          min(expires_at) filter (where owner <> ${instanceId} and expires_at >= clock.now) as next_expiry
        from destination_leases, clock
        where destination_id = any(${ids}::text[])`.execute(db);
      const r = rows[0];
      return { free: Number(r.free), nextForeignExpiry: r.next_expiry === null ? null : Number(r.next_expiry) };
    },
  };
}

export type LeaseRepo = ReturnType<typeof leaseRepo>;
