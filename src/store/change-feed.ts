/**
 * Config changes shared between the instances of one database: what the change relay (change-relay.ts) and
 * scale-out need of it, whatever the database does underneath (PostgreSQL: LISTEN/NOTIFY, postgres/change-notifier.ts).
 */

export interface ChangeNotice {
  kind: 'created' | 'updated' | 'deleted';
  id: string;
  orgId: string;
}

export interface ChangeFeed {
  /** Starts listening; rejects if the first attempt fails (later breaks reconnect on their own). */
  start(): Promise<void>;
  /** Tells the other instances (after the change committed). */
  publish(change: ChangeNotice): Promise<void>;
  /** Other instances' changes (never this instance's own). */
  subscribe(listener: (change: ChangeNotice) => void): () => void;
  /** Called after the feed was interrupted: changes may have been missed; re-read everything. */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
}
