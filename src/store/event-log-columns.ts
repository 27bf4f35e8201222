/**
 * The event_log columns aliased to StoredEvent's field names, so both backends return rows that already are
 * StoredEvents (no per-row mapping on the delivery read path).
 */
export const STORED_EVENT_COLUMNS =
  'seq, org_id as "orgId", uid, class_uid as "classUid", severity_id as "severityId", time, published_at as "publishedAt", payload as json';
