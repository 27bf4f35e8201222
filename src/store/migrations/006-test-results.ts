import type { Kysely } from 'kysely';

/**
 * Connection tests get columns of their own: `last_test_at` (epoch ms) and `last_test_result` (`success` |
 * `failure`). A test used to set last_delivery_at / last_successful_batch_at, which then claimed a delivery that
 * never happened; from now on only deliveries set those. Existing rows start with no test recorded: which of
 * their delivery times a test wrote is unknowable.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('siem_configs').addColumn('last_test_at', 'bigint').execute();
  await db.schema.alterTable('siem_configs').addColumn('last_test_result', 'text').execute();
}
