/**
 * The event-log append as SQL: several publish calls' events in ONE transaction (group commit: one fsync for
 * all of them), each call getting its own result. Runs in the append worker (append-worker.ts) for file
 * databases, on the main thread for in-memory ones.
 *
 * Per-row prepared inserts: multi-row INSERTs measured no faster, SQLite's B-tree work dominates (bench/event-log.ts,
 * 1 KB events in batches of 1000 on the 2-core development machine: ~90-100k events/s with the time-ordered uids
 * siemstream assigns, ~40-55k/s with random client-supplied uids, i.e. random inserts into the uid index).
 *
 * Single writer: seqs are assigned from the head row inside the write transaction, so head = the last seq and no
 * lower seq can commit later (the gap-safety rule of src/store/event-log.ts holds trivially).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { AppendResult, NewEvent } from '../event-log.ts';

/** One EventLog.append call. */
export interface AppendRequest {
  events: readonly NewEvent[];
  now: number;
}

/** Appends every request in one IMMEDIATE transaction; results in request order. Throws (nothing appended) on failure. */
export type GroupAppend = (requests: readonly AppendRequest[]) => AppendResult[];

/**
 * An event kept as sent (../kept-event.ts) is written as its UTF-8 bytes: SQLite stores them as a BLOB in
 * the TEXT column (no JS string is made or kept for it); readers cast it back (SQLITE_STORED_EVENT_COLUMNS).
 */
function storedPayload(e: NewEvent): string | Buffer {
  const bytes = e.jsonUtf8;
  if (!bytes) return e.json;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function prepareGroupAppend(raw: BetterSqlite3.Database): GroupAppend {
  // Per organisation: another organisation's event with the same uid is not a duplicate.
  const rememberUid = raw.prepare('insert or ignore into event_uids (uid, org_id, seen_at) values (?, ?, ?)');
  const advanceHead = raw.prepare(
    'update event_log_head set last_seq = last_seq + ?, last_published_at = max(last_published_at, ?) where id = 1 ' +
      'returning last_seq as lastSeq, last_published_at as publishedAt',
  );
  const insertEvent = raw.prepare(
    'insert into event_log (seq, org_id, uid, class_uid, severity_id, time, published_at, payload) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );

  const appendOne = ({ events, now }: AppendRequest): AppendResult => {
    // A (uid, organisation) already present (earlier request, earlier in this group or in this batch) changes
    // nothing: a duplicate.
    const fresh = events.filter((e) => rememberUid.run(e.uid, e.orgId, now).changes === 1);
    if (fresh.length === 0) return { appended: 0, duplicates: events.length, lastSeq: 0 };
    // published_at is clamped to never go backwards along seq (clock steps): seqAtTime relies on it.
    const head = advanceHead.get(fresh.length, now) as { lastSeq: number; publishedAt: number };
    let seq = head.lastSeq - fresh.length;
    for (const e of fresh) insertEvent.run(++seq, e.orgId, e.uid, e.classUid, e.severityId, e.time, head.publishedAt, storedPayload(e));
    return { appended: fresh.length, duplicates: events.length - fresh.length, lastSeq: head.lastSeq };
  };

  const transaction = raw.transaction((requests: readonly AppendRequest[]) => requests.map(appendOne));
  // IMMEDIATE: take the write lock up front (the other writer may be Kysely on the main thread, or the CLI).
  return (requests) => transaction.immediate(requests);
}
