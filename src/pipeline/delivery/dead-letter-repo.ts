/**
 * Dead letters: events a destination will not deliver by itself (rejected by the SIEM, too large, or retried past
 * the retention). Each row keeps the event's JSON (the log may prune it) and why it failed. One multi-row insert
 * per dead-letter group, never a statement per event.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { StoredEvent } from '../../store/event-log.ts';
import type { DeadLettersTable, DeliveryDb } from './tables.ts';

export interface DeadLetterCause {
  /** Why, in our words (e.g. "rejected by the SIEM (400)", "retries exhausted: …"). */
  reason: string;
  statusCode: number | null;
  /** The SIEM's own answer, trimmed (connectors' classify.ts). */
  responseText: string | null;
}

export interface DeadLetterItem {
  event: StoredEvent;
  cause: DeadLetterCause;
  attempts: number;
}

export interface DeadLetterRecord {
  id: string;
  destinationId: string;
  orgId: string;
  seq: number;
  uid: string;
  classUid: number;
  severityId: number;
  eventTime: number;
  publishedAt: number;
  payload: string;
  reason: string;
  statusCode: number | null;
  responseText: string | null;
  attempts: number;
  createdAt: number;
  replayRequestedAt: number | null;
  replayedAt: number | null;
}

export type DeadLetterState = 'pending' | 'replaying' | 'replayed' | 'all';

/** Rows per INSERT: 17 columns × 500 stays far below both backends' bind-parameter limits. */
const INSERT_CHUNK = 500;

function toRecord(r: Selectable<DeadLettersTable>): DeadLetterRecord {
  return {
    id: r.id,
    destinationId: r.destination_id,
    orgId: r.org_id,
    seq: Number(r.seq),
    uid: r.uid,
    classUid: r.class_uid,
    severityId: r.severity_id,
    eventTime: Number(r.event_time),
    publishedAt: Number(r.published_at),
    payload: r.payload,
    reason: r.reason,
    statusCode: r.status_code,
    responseText: r.response_text,
    attempts: r.attempts,
    createdAt: Number(r.created_at),
    replayRequestedAt: r.replay_requested_at === null ? null : Number(r.replay_requested_at),
    replayedAt: r.replayed_at === null ? null : Number(r.replayed_at),
  };
}

/** A dead letter as an event again (replay): the same shape the log hands out. */
export function deadLetterEvent(r: DeadLetterRecord): StoredEvent {
  return {
    seq: r.seq,
    orgId: r.orgId,
    uid: r.uid,
    classUid: r.classUid,
    severityId: r.severityId,
    time: r.eventTime,
    publishedAt: r.publishedAt,
    json: r.payload,
  };
}

export function deadLetterRepo(db: DeliveryDb) {
  return {
    async insert(destinationId: string, items: readonly DeadLetterItem[], now: number): Promise<void> {
      for (let i = 0; i < items.length; i += INSERT_CHUNK) {
        const rows = items.slice(i, i + INSERT_CHUNK).map(({ event: e, cause, attempts }) => ({
          id: randomUUID(),
          destination_id: destinationId,
          org_id: e.orgId,
          seq: e.seq,
          uid: e.uid,
          class_uid: e.classUid,
          severity_id: e.severityId,
          event_time: e.time,
          published_at: e.publishedAt,
          payload: e.json,
          reason: cause.reason,
          status_code: cause.statusCode,
          response_text: cause.responseText,
          attempts,
          created_at: now,
          replay_requested_at: null,
          replayed_at: null,
        }));
        await db.insertInto('dead_letters').values(rows).execute();
      }
    },

    /** Newest first. */
    async list(
      destinationId: string,
      opts: { limit: number; offset: number; state: DeadLetterState },
    ): Promise<{ items: DeadLetterRecord[]; total: number }> {
      let q = db.selectFrom('dead_letters').where('destination_id', '=', destinationId);
      if (opts.state === 'pending') q = q.where('replayed_at', 'is', null).where('replay_requested_at', 'is', null);
      if (opts.state === 'replaying') q = q.where('replayed_at', 'is', null).where('replay_requested_at', 'is not', null);
      if (opts.state === 'replayed') q = q.where('replayed_at', 'is not', null);
      const [rows, count] = await Promise.all([
        q.selectAll().orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(opts.limit).offset(opts.offset).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toRecord), total: Number(count.n) };
    },

    /** Marks dead letters (all not yet replayed, or the given ids) for re-delivery; returns how many. */
    async requestReplay(destinationId: string, ids: readonly string[] | undefined, now: number): Promise<number> {
      let q = db
        .updateTable('dead_letters')
        .set({ replay_requested_at: now })
        .where('destination_id', '=', destinationId)
        .where('replayed_at', 'is', null);
      if (ids) {
        if (ids.length === 0) return 0;
        q = q.where('id', 'in', ids);
      }
      return Number((await q.executeTakeFirst()).numUpdatedRows);
    },

    /** Dead letters waiting for re-delivery, oldest event first. */
    async pendingReplays(destinationId: string, limit: number): Promise<DeadLetterRecord[]> {
      const rows = await db
        .selectFrom('dead_letters')
        .selectAll()
        .where('destination_id', '=', destinationId)
        .where('replay_requested_at', 'is not', null)
        .where('replayed_at', 'is', null)
        .orderBy('seq')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },

    async markReplayed(ids: readonly string[], now: number): Promise<void> {
      if (ids.length === 0) return;
      await db.updateTable('dead_letters').set({ replayed_at: now }).where('id', 'in', ids).execute();
    },

    /** A replay failed again: new reason, one more attempt, no longer queued. */
    async recordFailedReplay(items: readonly { id: string; cause: DeadLetterCause; attempts: number }[]): Promise<void> {
      if (items.length === 0) return;
      await db.transaction().execute(async (tx) => {
        for (const it of items) {
          await tx
            .updateTable('dead_letters')
            .set((eb) => ({
              reason: it.cause.reason,
              status_code: it.cause.statusCode,
              response_text: it.cause.responseText,
              attempts: eb('attempts', '+', it.attempts),
              replay_requested_at: null,
            }))
            .where('id', '=', it.id)
            .execute();
        }
      });
    },

    /** Deletes the destination's dead letters (or the given ids); returns how many. */
    async purge(destinationId: string, ids?: readonly string[]): Promise<number> {
      let q = db.deleteFrom('dead_letters').where('destination_id', '=', destinationId);
      if (ids) {
        if (ids.length === 0) return 0;
        q = q.where('id', 'in', ids);
      }
      return Number((await q.executeTakeFirst()).numDeletedRows);
    },
  };
}
export type DeadLetterRepo = ReturnType<typeof deadLetterRepo>;
