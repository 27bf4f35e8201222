import { sql, type Kysely } from 'kysely';
import { migrationDialect } from './dialect.ts';

/**
 * The event log (src/store/event-log.ts): events by global seq, the 24 h de-duplication uids, and the one-row
 * head (the last seq ever appended; it survives pruning, so seqs are never reused and cursors stay valid).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = migrationDialect(db);

  await db.schema
    .createTable('event_log')
    // SQLite: exactly `integer primary key` makes seq the rowid (no second B-tree); PostgreSQL needs 64 bits.
    .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    // bigint: extension classes may use large uids; validation only bounds them to safe integers.
    .addColumn('class_uid', 'bigint', (c) => c.notNull())
    .addColumn('severity_id', 'integer', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('published_at', 'bigint', (c) => c.notNull())
    // The event's JSON. SQLite: TEXT, or a BLOB of its UTF-8 bytes for events stored as they were sent
    // (sqlite/append-transaction.ts); readers cast it to text (event-log-columns.ts).
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_log_org_seq').on('event_log').columns(['org_id', 'seq']).execute();
  // No index on published_at: it never decreases along seq (the head row clamps it), so seqAtTime binary-searches
  // the primary key (src/store/event-log-time-search.ts) and appends skip a secondary index per event.

  let uids = db.schema
    .createTable('event_uids')
    .addColumn('uid', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', 'bigint', (c) => c.notNull());
  // The uid is the key: without a rowid SQLite keeps one B-tree instead of table + unique index.
  if (dialect === 'sqlite') uids = uids.modifyEnd(sql`without rowid`);
  await uids.execute();
  await db.schema.createIndex('event_uids_seen_at').on('event_uids').column('seen_at').execute();

  await db.schema
    .createTable('event_log_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_published_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('event_log_head').values({ id: 1, last_seq: 0, last_published_at: 0 }).execute();
}
