/**
 * Forward-only, numbered migrations. Never edit a released one: add the next number.
 * Kysely's Migrator takes a lock (PostgreSQL: pg_advisory_xact_lock inside the migration transaction), so
 * several instances starting at once run each migration exactly once.
 */
import type { Migration } from 'kysely';
import * as m001 from './001-config-tables.ts';
import * as m002 from './002-event-log.ts';
import * as m003 from './003-delivery.ts';
import * as m004 from './004-leases.ts';
import * as m005 from './005-tenant-keys.ts';
import * as m006 from './006-test-results.ts';
import * as m007 from './007-delivery-minutes.ts';

export const migrations: Record<string, Migration> = {
  '001-config-tables': m001,
  '002-event-log': m002,
  '003-delivery': m003,
  '004-leases': m004,
  '005-tenant-keys': m005,
  '006-test-results': m006,
  '007-delivery-minutes': m007,
};
