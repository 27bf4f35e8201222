/**
 * Table types for Kysely. Conventions shared by both backends (so queries need no dialect branches):
 * times are epoch milliseconds in BIGINT columns, booleans are INTEGER 0/1, JSON is TEXT.
 */
import type { Generated } from 'kysely';

export interface OrganizationsTable {
  id: string;
  /** Unique; null when another organisation holds the slug this one was last recorded with. */
  slug: string | null;
  first_seen_at: number;
  updated_at: number;
}

export interface SiemConfigsTable {
  id: string;
  org_id: string;
  name: string;
  connector_type: string;
  /** Connector config JSON; secret fields hold `enc:v1:…` ciphertexts, never plaintext. */
  config: string;
  batch_size: number;
  enabled: number;
  /** JSON array of OCSF class_uids, or null for all. */
  filter_class_uids: string | null;
  filter_min_severity: number | null;
  delivery_status: string;
  failure_count: number;
  last_delivery_at: number | null;
  last_successful_batch_at: number | null;
  last_error: string | null;
  /** The last connection test (migration 006): when, and `success` | `failure`. Tests are not deliveries. */
  last_test_at: number | null;
  last_test_result: string | null;
  created_at: number;
  updated_at: number;
  /** Bumped on every change by the API; delivery workers reload a destination when it moves. */
  version: number;
}

export interface SiemConfigAuditTable {
  id: string;
  config_id: string;
  org_id: string;
  actor: string;
  action: string;
  /** JSON array of changed field names (never values of secrets). */
  changed_fields: string;
  at: number;
}

export interface RateLimitsTable {
  key: string;
  window_start: number;
  count: number;
}

/** The event log (src/store/event-log.ts); the hot paths use raw SQL in src/store/{sqlite,postgres}/event-log.ts. */
export interface EventLogTable {
  seq: number;
  org_id: string;
  uid: string;
  class_uid: number;
  severity_id: number;
  time: number;
  published_at: number;
  /** The OCSF event as JSON text. */
  payload: string;
}

/** metadata.uids seen recently, per organisation (24 h de-duplication). */
export interface EventUidsTable {
  uid: string;
  org_id: string;
  seen_at: number;
}

/** One row (id = 1): the last seq appended and its published_at; never lowered by pruning. */
export interface EventLogHeadTable {
  id: number;
  last_seq: number;
  last_published_at: number;
}

export interface Database {
  organizations: OrganizationsTable;
  siem_configs: SiemConfigsTable;
  siem_config_audit: SiemConfigAuditTable;
  rate_limits: RateLimitsTable;
  event_log: EventLogTable;
  event_uids: EventUidsTable;
  event_log_head: EventLogHeadTable;
}

export type { Generated };
