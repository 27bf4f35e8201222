import type { Kysely } from 'kysely';

/**
 * Per-minute delivery counters of each destination (src/pipeline/delivery/minute-counters.ts), for the charts of
 * GET /v1/org/siem-configs/{id}/timeseries: one row per destination and minute in which anything happened,
 * added to by every flush of that minute, deleted by retention after a day and with their destination.
 * `minute` is the minute's start, epoch ms.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('delivery_minutes')
    .addColumn('destination_id', 'text', (c) => c.notNull())
    .addColumn('minute', 'bigint', (c) => c.notNull())
    .addColumn('delivered', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('retried', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('dead_lettered', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('latency_p50_ms', 'integer')
    .addColumn('latency_p99_ms', 'integer')
    .addPrimaryKeyConstraint('delivery_minutes_pk', ['destination_id', 'minute'])
    .execute();
  // Retention deletes by minute across destinations.
  await db.schema.createIndex('delivery_minutes_minute').on('delivery_minutes').column('minute').execute();
}
