/**
 * Messages between the main thread (append-worker-client.ts) and the event-log append worker (append-worker.ts).
 * 'append' carries prepared events (structured-cloning NewEvent objects measured cheaper on the sending thread
 * than packing them into columns first, ~0.8 µs per 1 KB event; a KeptNewEvent crosses as its fields and its
 * bytes, views of one copy of the request body, which the worker writes as they are: append-transaction.ts);
 * 'publish' carries a raw publish body that the worker parses and prepares itself (pipeline/publish-body.ts), so
 * that work leaves the main thread too.
 */
import type { AppendResult, NewEvent, PublishBodyRequest } from '../event-log.ts';
import type { BodyRefusal } from '../body-refusal.ts';
import type { PreparedWire } from './prepared-wire.ts';

export interface AppendWorkerData {
  path: string;
  busyTimeoutMs?: number;
}

export type AppendWorkerRequest =
  | { kind: 'append'; id: number; events: readonly NewEvent[]; now: number }
  | ({ kind: 'publish'; id: number } & PublishBodyRequest)
  | { kind: 'close' };

/** Why a group's transaction failed (an Error's own properties do not all survive structured cloning). */
export interface AppendFailure {
  message: string;
  /** SQLite's error code (SQLITE_BUSY, SQLITE_FULL …) when there is one. */
  code?: string;
}

/** What became of one request. */
export type AppendOutcome =
  /**
   * Committed and synced to disk. `commit` numbers the worker's transactions (requests of one group share it).
   * `prepared`: for a 'publish', its prepared body (prepared-wire.ts).
   */
  | { id: number; commit: number; result: AppendResult; prepared?: PreparedWire }
  /** Its group's transaction rolled back (none of its events were appended), or the sync after it failed. */
  | { id: number; failed: AppendFailure }
  /** A 'publish' body refused as a whole (4xx); nothing of it was appended. */
  | { id: number; refused: BodyRefusal };

export type AppendWorkerReply =
  /** The worker connection's settings; walSync: commits are made durable by an fdatasync of the WAL before any reply. */
  | { kind: 'ready'; journalMode: string; synchronous: number; walSync: boolean }
  | { kind: 'settled'; outcomes: AppendOutcome[] };
