/**
 * The event log on PostgreSQL (contract: src/store/event-log.ts), on the adapter's pg pool with raw SQL: each
 * statement of the append carries a whole request as parameter arrays (`unnest($1::text[], …)`), so a
 * 1000-event publish costs five round trips, not a thousand.
 *
 * GAP-SAFETY. Several transactions (and instances) append at once. If seqs came from a plain sequence, a
 * transaction holding seq 10 could commit before another holding seq 9; a reader would read 10, advance its
 * cursor to 10, and never see 9. So every append first takes a transaction-scoped advisory lock, then assigns
 * seqs from the head row: appenders run one at a time and commit in seq order, and the lock is released only
 * after the commit is visible. head() reads the committed head row, so nothing <= head can commit later.
 * The cost: appends are serialised across all instances, so total append throughput is that of one transaction
 * (dedupe insert + head update + event insert + commit) at a time, however many instances publish; more
 * concurrent appenders only queue. Large requests amortise it: one append per request, up to 100k events.
 * Measured with bench/event-log.ts on the 2-core development machine: ~20-25k events/s (1 KB events, batches of
 * 1000), the same with 1 or 4 concurrent appenders; the server-side insert of the rows dominates.
 * The lock also orders the event_uids inserts, so two requests with the same uids in different orders cannot
 * deadlock. De-duplication is per organisation: event_uids is keyed by (uid, org_id).
 */
import type pg from 'pg';
import type { AppendResult, EventLog, NewEvent, ReadOptions, StoredEvent } from '../event-log.ts';
import { STORED_EVENT_COLUMNS } from '../event-log-columns.ts';
import { searchSeqAtTime, type SeqTime } from '../event-log-time-search.ts';

/** Advisory lock keys (classid, objid): a constant, plus the schema so separate schemas do not serialise. */
const APPEND_LOCK_CLASS = 0x5e1e_0001;
/** Taken by every append, until its commit (also by migrations that rewrite the event tables). */
export const APPEND_LOCK_SQL = `select pg_advisory_xact_lock(${APPEND_LOCK_CLASS}, hashtext(current_schema()))`;

type Filter = Omit<ReadOptions, 'limit'>;

export class PostgresEventLog implements EventLog {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async append(events: readonly NewEvent[], now: number): Promise<AppendResult> {
    if (events.length === 0) return { appended: 0, duplicates: 0, lastSeq: 0 };
    // Repeats inside the request (the same uid in the same organisation) are duplicates of their first
    // occurrence; send each (uid, organisation) once. Another organisation's event with that uid is its own.
    const byKey = new Map<string, NewEvent>();
    for (const e of events) {
      const key = dedupeKey(e.orgId, e.uid);
      if (!byKey.has(key)) byKey.set(key, e);
    }
    const unique = [...byKey.values()];

    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(`begin; ${APPEND_LOCK_SQL}`);
      const remembered = await client.query<{ uid: string; org_id: string }>(
        'insert into event_uids (uid, org_id, seen_at) select u, o, $3 from unnest($1::text[], $2::text[]) as t(u, o) ' +
          'on conflict do nothing returning uid, org_id',
        [unique.map((e) => e.uid), unique.map((e) => e.orgId), now],
      );
      if (remembered.rowCount === 0) {
        await client.query('commit');
        return { appended: 0, duplicates: events.length, lastSeq: 0 };
      }
      const isNew = new Set(remembered.rows.map((r) => dedupeKey(r.org_id, r.uid)));
      const fresh = isNew.size === unique.length ? unique : unique.filter((e) => isNew.has(dedupeKey(e.orgId, e.uid)));
      // published_at is clamped to never go backwards along seq (clock skew between instances): seqAtTime relies on it.
      const head = await client.query<{ last_seq: number; last_published_at: number }>(
        'update event_log_head set last_seq = last_seq + $1, last_published_at = greatest(last_published_at, $2) where id = 1 ' +
          'returning last_seq, last_published_at',
        [fresh.length, now],
      );
      const { last_seq: lastSeq, last_published_at: publishedAt } = head.rows[0];
      await client.query(
        'insert into event_log (seq, org_id, uid, class_uid, severity_id, time, published_at, payload) ' +
          'select $1::bigint + t.ord, t.org_id, t.uid, t.class_uid, t.severity_id, t.time, $2, t.payload ' +
          'from unnest($3::text[], $4::text[], $5::bigint[], $6::int[], $7::bigint[], $8::text[]) ' +
          'with ordinality as t(org_id, uid, class_uid, severity_id, time, payload, ord)',
        [
          lastSeq - fresh.length,
          publishedAt,
          fresh.map((e) => e.orgId),
          fresh.map((e) => e.uid),
          fresh.map((e) => e.classUid),
          fresh.map((e) => e.severityId),
          fresh.map((e) => e.time),
          fresh.map((e) => e.json),
        ],
      );
      await client.query('commit');
      return { appended: fresh.length, duplicates: events.length - fresh.length, lastSeq };
    } catch (err) {
      // A connection that cannot even roll back is discarded, not returned to the pool.
      await client.query('rollback').catch(() => (broken = err as Error));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async read(opts: ReadOptions): Promise<StoredEvent[]> {
    const { where, params } = filterSql(opts);
    params.push(opts.limit);
    const res = await this.#pool.query<StoredEvent>(
      `select ${STORED_EVENT_COLUMNS} from event_log where ${where} order by seq limit $${params.length}`,
      params,
    );
    return res.rows;
  }

  async head(): Promise<number> {
    const res = await this.#pool.query<{ seq: number }>('select last_seq as seq from event_log_head where id = 1');
    return res.rows[0].seq;
  }

  async getBySeqs(seqs: readonly number[]): Promise<StoredEvent[]> {
    if (seqs.length === 0) return [];
    const res = await this.#pool.query<StoredEvent>(
      `select ${STORED_EVENT_COLUMNS} from event_log where seq = any($1::bigint[]) order by seq`,
      [seqs],
    );
    return res.rows;
  }

  async seqAtTime(publishedAt: number): Promise<number> {
    return searchSeqAtTime(publishedAt, await this.head(), async (seq) => {
      const res = await this.#pool.query<SeqTime>('select seq, published_at as "publishedAt" from event_log where seq >= $1 order by seq limit 1', [seq]);
      return res.rows[0];
    });
  }

  async prune(opts: { belowOrAtSeq: number; publishedBefore: number }): Promise<number> {
    const res = await this.#pool.query('delete from event_log where seq <= $1 and published_at < $2', [opts.belowOrAtSeq, opts.publishedBefore]);
    return res.rowCount ?? 0;
  }

  async pruneDedupe(before: number): Promise<number> {
    const res = await this.#pool.query('delete from event_uids where seen_at < $1', [before]);
    return res.rowCount ?? 0;
  }

  async count(opts: Filter & { cap?: number }): Promise<number> {
    const { where, params } = filterSql(opts);
    params.push(opts.cap ?? null);
    const res = await this.#pool.query<{ n: number }>(
      `select count(*)::int as n from (select 1 from event_log where ${where} limit $${params.length}) as backlog`,
      params,
    );
    return res.rows[0].n;
  }
}

/** One Map key per (organisation, uid); NUL cannot occur in an org id (event-org.ts), so no two pairs collide. */
const dedupeKey = (orgId: string, uid: string) => `${orgId}\u0000${uid}`;

/**
 * WHERE clause of read/count. The upper bound is the head read in the same statement (one snapshot), so a read
 * never returns events past the gap-safe head even while an append is committing.
 * classUids: null/undefined = every class; an empty list matches nothing.
 */
function filterSql(opts: Filter): { where: string; params: unknown[] } {
  const params: unknown[] = [opts.afterSeq, opts.toSeq ?? null];
  const conditions = ['seq > $1', 'seq <= least($2::bigint, (select last_seq from event_log_head where id = 1))'];
  if (opts.orgId !== undefined) {
    params.push(opts.orgId);
    conditions.push(`org_id = $${params.length}`);
  }
  if (opts.classUids) {
    params.push(opts.classUids);
    conditions.push(`class_uid = any($${params.length}::bigint[])`);
  }
  if (opts.minSeverity !== undefined && opts.minSeverity !== null) {
    params.push(opts.minSeverity);
    conditions.push(`severity_id >= $${params.length}`);
  }
  return { where: conditions.join(' and '), params };
}
