/**
 * The event_log columns aliased to StoredEvent's field names, so both backends return rows that already are
 * StoredEvents (no per-row mapping on the delivery read path).
 */
export const STORED_EVENT_COLUMNS =
  'seq, org_id as "orgId", uid, class_uid as "classUid", severity_id as "severityId", time, published_at as "publishedAt", payload as json';

/**
 * SQLite: events kept as sent are stored as their UTF-8 bytes (a BLOB in the TEXT column:
 * sqlite/append-transaction.ts); the cast reads them back as text (a no-op for TEXT values).
 */
export const SQLITE_STORED_EVENT_COLUMNS = STORED_EVENT_COLUMNS.replace('payload as json', 'cast(payload as text) as json');
