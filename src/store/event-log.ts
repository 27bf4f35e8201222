/**
 * The durable event log: the one place accepted events live until every destination has passed them.
 *
 * Glossary
 * - seq: global, strictly increasing position of an event in the log (one log for all organisations; a
 *   destination of one organisation reads its org's slice through an (org_id, seq) index, a global connector
 *   reads everything). Publish order per organisation = seq order.
 * - head: the highest seq a reader may read up to. GAP-SAFETY RULE: no event with seq <= head may commit later.
 *   (SQLite has one writer, so head = max(seq). PostgreSQL assigns seq under a transaction-scoped lock held until
 *   commit, so seqs commit in order; see postgres/event-log.ts.)
 * - cursor: per destination, the seq up to which everything was delivered or dead-lettered (kept by delivery).
 * - dedupe window: a metadata.uid seen within the last 24 h in the same organisation is accepted again but not
 *   appended again (another organisation's event with that uid is its own event).
 *
 * One implementation per backend (sqlite/event-log.ts, postgres/event-log.ts) for speed: the append path is the
 * publish hot path and uses one multi-row statement per request inside one transaction.
 */

/** An event ready to append: normalised OCSF JSON text plus routing fields. */
export interface NewEvent {
  orgId: string;
  uid: string;
  classUid: number;
  severityId: number;
  /** OCSF `time`, epoch ms. */
  time: number;
  /** The OCSF event as JSON text (metadata.uid included). */
  json: string;
  /**
   * `json` as UTF-8 when this thread has the bytes (an event kept as sent: a view of its publish request's body,
   * a KeptNewEvent whose `json` is decoded only if read: kept-event.ts). For delivery's in-memory tail;
   * never stored as such (the log stores `json`).
   */
  jsonUtf8?: Uint8Array;
}

export interface StoredEvent extends NewEvent {
  seq: number;
  publishedAt: number;
}

export interface AppendResult {
  /** Events appended (new uids). */
  appended: number;
  /** Events whose uid was seen within the dedupe window (accepted, not appended). */
  duplicates: number;
  /**
   * seq of the last appended event (0 when none). The appended events hold the seqs (lastSeq − appended,
   * lastSeq], in input order: delivery's in-memory tail relies on it (pipeline/delivery/event-tail.ts).
   */
  lastSeq: number;
}

/** How a publish body is framed: a JSON array (or `{"events": [...]}`), or NDJSON. */
export type EventsBodyFormat = 'json' | 'ndjson';

/**
 * Which organisations a publish request's events may go to (the token's): the store passes them on to whatever
 * prepares the body, it does not read them.
 */
export interface OrgRules {
  /** The organisation of events that name none (an org token's organisation). */
  orgId?: string;
  /** Organisations an event may name: 'any', or one organisation id. Default: `orgId` (none when absent). */
  allowedOrgs?: 'any' | string;
}

/** An event of a publish request that was not appended, and why. */
export interface RejectedEvent {
  /** Position of the event in the published list. */
  index: number;
  error: string;
}

/** The events of a body that are valid (to append) and those rejected (with request positions). */
export interface PreparedBody {
  valid: NewEvent[];
  rejected: RejectedEvent[];
  /** Organisations of the valid events. */
  orgIds: string[];
}

/** A publish request, for EventLog.publishBody. */
export interface PublishBodyRequest {
  /**
   * The body's bytes (api/events-body.ts publishBodyBytes: a BOM left out), not scanned yet: the writer thread finds
   * the elements as it reads them (publish-body.ts readAndPreparePublishBody).
   */
  body: { format: EventsBodyFormat; bytes: Uint8Array };
  rules: OrgRules;
  /** Publish time: published_at, and the time of uids siemstream assigns. */
  now: number;
}

/** The prepared body (valid events, rejected ones by request position) and the append of the valid ones. */
export interface PublishBodyResult extends PreparedBody {
  append: AppendResult;
}

export interface ReadOptions {
  /** Exclusive lower bound. */
  afterSeq: number;
  /** Inclusive upper bound (defaults to head). */
  toSeq?: number;
  /** Only this organisation's events (undefined: all organisations — global connectors). */
  orgId?: string;
  /** Only these OCSF classes. */
  classUids?: readonly number[] | null;
  /** Only severity_id >= this. */
  minSeverity?: number | null;
  limit: number;
}

/** Which events a reader selects (a destination's filter): ReadOptions without the range. */
export type LogQuery = Pick<ReadOptions, 'orgId' | 'classUids' | 'minSeverity'>;

export interface EventLog {
  /**
   * Appends in one transaction; durable (fsync'd / committed) when the promise resolves.
   * Duplicate uids of an organisation (within the dedupe window, or repeated inside `events`) are counted, not
   * appended.
   */
  append(events: readonly NewEvent[], now: number): Promise<AppendResult>;
  /**
   * Optional (SQLite): parses and prepares a scanned publish body (pipeline/publish-body.ts) and appends its valid
   * events in the store's writer thread, keeping both off the main thread. The same outcome as preparing the body on
   * the main thread and calling append() with the valid events; a body refused as a whole rejects with the
   * SiemError the main thread would have thrown (body-refusal.ts).
   */
  publishBody?(request: PublishBodyRequest): Promise<PublishBodyResult>;
  /** With publishBody: publish bodies and appends the writer thread has not answered yet. */
  writerBacklog?(): number;
  /** Events after `afterSeq` matching the filters, in seq order, never beyond head. */
  read(opts: ReadOptions): Promise<StoredEvent[]>;
  /** The gap-safe head (see glossary). */
  head(): Promise<number>;
  /** Events by seq (dead-letter replay, preview). */
  getBySeqs(seqs: readonly number[]): Promise<StoredEvent[]>;
  /** First seq published at or after `publishedAt` (replay windows); head+1 when none. */
  seqAtTime(publishedAt: number): Promise<number>;
  /** Deletes events with seq <= belowOrAtSeq and published before `olderThan`; returns rows deleted. */
  prune(opts: { belowOrAtSeq: number; publishedBefore: number }): Promise<number>;
  /** Forgets dedupe uids older than `before`. */
  pruneDedupe(before: number): Promise<number>;
  /** Counts events after `afterSeq` matching filters (backlog), bounded by `cap` for cost. */
  count(opts: Omit<ReadOptions, 'limit'> & { cap?: number }): Promise<number>;
}
