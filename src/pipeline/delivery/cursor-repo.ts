/** Delivery cursors: one row per destination, the log position up to which everything was settled. */
import { sql } from 'kysely';
import { writeFencedCursors, type FencedCursorWrite } from '../ownership/fencing.ts';
import { DB_NOW_MS } from '../ownership/lease-repo.ts';
import type { DeliveryDb } from './tables.ts';

export interface CursorWrite {
  destinationId: string;
  position: number;
  /** Lease token held by the writer; null on a single instance (no fencing). */
  fence: number | null;
}

/**
 * `owner`: this instance's id in destination_leases (LeaseOwnership.instanceId), when several instances share
 * the database. Fenced writes and cursor deletions then go through the lease table (PostgreSQL only).
 */
export function cursorRepo(db: DeliveryDb, opts: { owner?: string } = {}) {
  const owner = opts.owner;
  return {
    async get(destinationId: string): Promise<number | undefined> {
      const row = await db.selectFrom('delivery_cursors').select('position').where('destination_id', '=', destinationId).executeTakeFirst();
      return row ? Number(row.position) : undefined;
    },

    async list(): Promise<{ destinationId: string; position: number }[]> {
      const rows = await db.selectFrom('delivery_cursors').select(['destination_id', 'position']).execute();
      return rows.map((r) => ({ destinationId: r.destination_id, position: Number(r.position) }));
    },

    /**
     * Writes several cursors in one transaction (one commit, one fsync). Returns the ids whose write was fenced
     * off: a write carrying a fence lands only while this instance still holds that lease (fencing.ts; a cursor
     * that is already further counts as written).
     */
    async save(writes: readonly CursorWrite[], now: number): Promise<string[]> {
      if (writes.length === 0) return [];
      const fencedWrites = writes.filter((w): w is FencedCursorWrite => w.fence !== null);
      if (fencedWrites.length > 0 && owner === undefined) throw new Error('cursorRepo: a fenced cursor write needs the owner (instance id)');
      return db.transaction().execute(async (tx) => {
        for (const w of writes) {
          if (w.fence !== null) continue;
          await tx
            .insertInto('delivery_cursors')
            .values({ destination_id: w.destinationId, position: w.position, updated_at: now, lease_owner: null, lease_token: 0, lease_expires_at: null })
            .onConflict((oc) => oc.column('destination_id').doUpdateSet({ position: w.position, updated_at: now }))
            .execute();
        }
        if (fencedWrites.length === 0) return [];
        const outcomes = await writeFencedCursors(tx, owner!, fencedWrites, now);
        return [...outcomes].filter(([, outcome]) => outcome === 'fenced').map(([id]) => id);
      });
    },

    /**
     * Deletes a destination's cursor. With several instances, only while no OTHER live instance holds its lease:
     * an instance acting on a stale listing (or on a registry entry it lacks) must not delete the cursor of a
     * destination another instance is running. That owner deletes the cursor itself once it sees the change;
     * a lapsed lease (its holder died) no longer protects anything.
     */
    async delete(destinationId: string): Promise<void> {
      if (owner === undefined) {
        await db.deleteFrom('delivery_cursors').where('destination_id', '=', destinationId).execute();
        return;
      }
      await sql`
        delete from delivery_cursors c where c.destination_id = ${destinationId} and not exists (
          select 1 from destination_leases l
          where l.destination_id = ${destinationId} and l.owner is not null and l.owner <> ${owner} and l.expires_at >= ${DB_NOW_MS}
        )`.execute(db);
    },
  };
}
export type CursorRepo = ReturnType<typeof cursorRepo>;
