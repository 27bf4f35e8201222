/**
 * Kysely table types of the delivery side (migration 003-delivery). Same conventions as src/store/database.ts:
 * epoch-ms BIGINTs, JSON as TEXT. Repos use `db.withTables<DeliveryTables>()` so the shared Database type stays
 * the foundation's.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.ts';

export interface DeliveryCursorsTable {
  destination_id: string;
  /** Everything with seq <= position was delivered or dead-lettered. */
  position: number;
  updated_at: number;
  /** Scale-out (issue 5): the instance holding the lease, its fencing token and expiry. Unused by one instance. */
  lease_owner: string | null;
  lease_token: number;
  lease_expires_at: number | null;
}

export interface DeadLettersTable {
  id: string;
  destination_id: string;
  org_id: string;
  seq: number;
  uid: string;
  class_uid: number;
  severity_id: number;
  event_time: number;
  published_at: number;
  /** The event's JSON text as stored (kept here: the log may prune it). */
  payload: string;
  reason: string;
  status_code: number | null;
  response_text: string | null;
  attempts: number;
  created_at: number;
  /** Set by POST …/dead-letters/replay; cleared when the replay fails again. */
  replay_requested_at: number | null;
  replayed_at: number | null;
}

export interface DeliveryStatsTable {
  destination_id: string;
  delivered: number;
  failed: number;
  retried: number;
  dead_lettered: number;
  last_latency_ms: number | null;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
  updated_at: number;
}

export interface ReplayWindowsTable {
  id: string;
  destination_id: string;
  from_time: number;
  to_time: number;
  /** Exclusive start position (seq). */
  from_seq: number;
  /** Inclusive end position (seq). */
  to_seq: number;
  /** Progress: everything up to here was re-delivered or dead-lettered. */
  position: number;
  created_at: number;
  finished_at: number | null;
}

/** Migration 007: counters per destination and minute (minute-counters.ts), for the charts. */
export interface DeliveryMinutesTable {
  destination_id: string;
  /** The minute's start, epoch ms. */
  minute: number;
  delivered: number;
  failed: number;
  retried: number;
  dead_lettered: number;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
}

// A type alias, not an interface: withTables<T>() needs T to be indexable.
export type DeliveryTables = {
  delivery_cursors: DeliveryCursorsTable;
  dead_letters: DeadLettersTable;
  delivery_stats: DeliveryStatsTable;
  replay_windows: ReplayWindowsTable;
  delivery_minutes: DeliveryMinutesTable;
};

export type DeliveryDb = Kysely<Database & DeliveryTables>;

export function deliveryDb(db: Kysely<Database>): DeliveryDb {
  return db.withTables<DeliveryTables>() as unknown as DeliveryDb;
}
