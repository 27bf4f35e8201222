import type { Kysely } from 'kysely';

/**
 * PostgreSQL scale-out (src/pipeline/ownership/): live instances and one lease per destination.
 *
 * Leases live in their own table rather than in delivery_cursors' lease columns because a lease must exist
 * before a cursor does (a new destination has no cursor until its start position is chosen by the owner), and a
 * cursor row may be deleted (disable, delete) while its token must keep growing. `token` is never reset: every
 * acquisition increments it, so (destination_id, token) names one tenure for the life of the database.
 * delivery_cursors.lease_owner/lease_token then record which tenure last wrote a cursor (see fencing.ts).
 *
 * Harmless on SQLite (one instance, the tables stay empty). All times are database-clock epoch ms.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('destination_leases')
    .addColumn('destination_id', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text')
    .addColumn('token', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'bigint')
    .addColumn('acquired_at', 'bigint')
    .execute();
}
