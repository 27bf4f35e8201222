/** Replay windows (POST …/replay {from, to}): a bounded re-delivery stream beside the live cursor. */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { DeliveryDb, ReplayWindowsTable } from './tables.ts';

export interface ReplayWindow {
  id: string;
  destinationId: string;
  fromTime: number;
  toTime: number;
  /** Exclusive start position. */
  fromSeq: number;
  /** Inclusive end position. */
  toSeq: number;
  position: number;
  createdAt: number;
  finishedAt: number | null;
}

function toWindow(r: Selectable<ReplayWindowsTable>): ReplayWindow {
  return {
    id: r.id,
    destinationId: r.destination_id,
    fromTime: Number(r.from_time),
    toTime: Number(r.to_time),
    fromSeq: Number(r.from_seq),
    toSeq: Number(r.to_seq),
    position: Number(r.position),
    createdAt: Number(r.created_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}

export function replayWindowRepo(db: DeliveryDb) {
  return {
    async create(w: Omit<ReplayWindow, 'id' | 'position' | 'finishedAt'>): Promise<ReplayWindow> {
      const window: ReplayWindow = { ...w, id: randomUUID(), position: w.fromSeq, finishedAt: null };
      await db
        .insertInto('replay_windows')
        .values({
          id: window.id,
          destination_id: w.destinationId,
          from_time: w.fromTime,
          to_time: w.toTime,
          from_seq: w.fromSeq,
          to_seq: w.toSeq,
          position: w.fromSeq,
          created_at: w.createdAt,
          finished_at: null,
        })
        .execute();
      return window;
    },

    /** Unfinished windows of a destination, oldest first. */
    async active(destinationId: string): Promise<ReplayWindow[]> {
      const rows = await db
        .selectFrom('replay_windows')
        .selectAll()
        .where('destination_id', '=', destinationId)
        .where('finished_at', 'is', null)
        .orderBy('created_at')
        .execute();
      return rows.map(toWindow);
    },

    /** Lowest position any unfinished window still needs (retention must keep what follows it). */
    async minActivePosition(): Promise<number | undefined> {
      const r = await db
        .selectFrom('replay_windows')
        .select((eb) => eb.fn.min<number>('position').as('p'))
        .where('finished_at', 'is', null)
        .executeTakeFirst();
      return r?.p === null || r?.p === undefined ? undefined : Number(r.p);
    },

    async savePosition(id: string, position: number, finishedAt: number | null): Promise<void> {
      await db.updateTable('replay_windows').set({ position, finished_at: finishedAt }).where('id', '=', id).execute();
    },

    async deleteForDestination(destinationId: string): Promise<void> {
      await db.deleteFrom('replay_windows').where('destination_id', '=', destinationId).execute();
    },
  };
}
export type ReplayWindowRepo = ReturnType<typeof replayWindowRepo>;
