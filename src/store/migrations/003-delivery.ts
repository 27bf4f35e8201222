import type { Kysely } from 'kysely';

/**
 * Delivery bookkeeping (src/pipeline/delivery/tables.ts): one cursor per destination (with the lease columns the
 * PostgreSQL scale-out uses), dead letters, per-destination counters, and replay windows.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('delivery_cursors')
    .addColumn('destination_id', 'text', (c) => c.primaryKey())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_token', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_expires_at', 'bigint')
    .execute();

  await db.schema
    .createTable('dead_letters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('destination_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('class_uid', 'integer', (c) => c.notNull())
    .addColumn('severity_id', 'integer', (c) => c.notNull())
    .addColumn('event_time', 'bigint', (c) => c.notNull())
    .addColumn('published_at', 'bigint', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response_text', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('replay_requested_at', 'bigint')
    .addColumn('replayed_at', 'bigint')
    .execute();
  await db.schema.createIndex('dead_letters_destination_created').on('dead_letters').columns(['destination_id', 'created_at']).execute();
  await db.schema.createIndex('dead_letters_destination_replay').on('dead_letters').columns(['destination_id', 'replay_requested_at']).execute();

  await db.schema
    .createTable('delivery_stats')
    .addColumn('destination_id', 'text', (c) => c.primaryKey())
    .addColumn('delivered', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('retried', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('dead_lettered', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_latency_ms', 'integer')
    .addColumn('latency_p50_ms', 'integer')
    .addColumn('latency_p99_ms', 'integer')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('replay_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('destination_id', 'text', (c) => c.notNull())
    .addColumn('from_time', 'bigint', (c) => c.notNull())
    .addColumn('to_time', 'bigint', (c) => c.notNull())
    .addColumn('from_seq', 'bigint', (c) => c.notNull())
    .addColumn('to_seq', 'bigint', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('replay_windows_destination').on('replay_windows').columns(['destination_id', 'finished_at']).execute();
}
