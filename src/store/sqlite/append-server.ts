/**
 * The append worker's loop: group commit.
 *
 * Each 'message' event takes the first queued request and then every request already waiting on the port
 * (receiveMessageOnPort), up to MAX_GROUP_EVENTS, and appends them in ONE transaction. 'publish' requests are
 * parsed and prepared first (`preparePublish`, injected by append-worker.ts).
 *
 * Durability: the worker's connection commits with synchronous=NORMAL (COMMIT writes the WAL, no fsync) and
 * `syncWal` (fdatasync of the WAL file, on the thread pool) makes the commits durable; a request is answered
 * only after a sync that started after its COMMIT has completed. That is what synchronous=FULL does inside
 * COMMIT, with two differences: one sync covers every commit made while the previous sync ran (a second level
 * of group commit), and the worker prepares and inserts the next group while the disk syncs.
 * A failed transaction fails every request in it (nothing of them was appended); a failed sync fails every
 * request it covered (appended, but not known to be durable: the caller must retry; uids de-duplicate).
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { PreparedBody, PublishBodyRequest } from '../event-log.ts';
import type { BodyRefusal } from '../body-refusal.ts';
import type { AppendFailure, AppendOutcome, AppendWorkerReply, AppendWorkerRequest } from './append-protocol.ts';
import type { AppendRequest, GroupAppend } from './append-transaction.ts';
import { packPrepared, transferables } from './prepared-wire.ts';

/** Bounds one transaction (and how long its callers wait); a larger backlog commits in several groups. */
export const MAX_GROUP_EVENTS = 20_000;

/**
 * Parses and prepares a publish body, or says why the body is refused as a whole. Events kept as sent must be
 * views of `request.body.bytes` (the reply sends their byte ranges, not their texts: prepared-wire.ts).
 */
export type PreparePublish = (request: PublishBodyRequest) => { prepared: PreparedBody } | { refused: BodyRefusal };

/** Makes every commit so far durable; calls back once it is (or with the error). */
export type SyncWal = (done: (err: Error | null) => void) => void;

export interface ServeOptions {
  preparePublish: PreparePublish;
  syncWal: SyncWal;
  onClose: () => void;
  maxGroupEvents?: number;
}

/** One request of the group being built, ready for the transaction. */
interface Member {
  id: number;
  append: AppendRequest;
  prepared?: PreparedBody;
  /** The request body's bytes, with `prepared`. */
  body?: Uint8Array;
}

type Committed = Extract<AppendOutcome, { result: unknown }>;

/** `port`: the worker's parentPort (or a MessageChannel port in tests). */
export function serveAppends(port: MessagePort, appendGroup: GroupAppend, opts: ServeOptions): void {
  const maxGroupEvents = opts.maxGroupEvents ?? MAX_GROUP_EVENTS;
  let commit = 0;
  /** Committed, waiting for the next sync. */
  let unsynced: Committed[] = [];
  let syncing = false;
  let closeRequested = false;
  let closed = false;

  const reply = (outcomes: AppendOutcome[]) => {
    if (outcomes.length === 0) return;
    // The prepared bodies' columns are moved, not copied.
    const transfer = outcomes.flatMap((o) => ('prepared' in o && o.prepared ? transferables(o.prepared) : []));
    port.postMessage({ kind: 'settled', outcomes } satisfies AppendWorkerReply, transfer as ArrayBuffer[]);
  };

  const closeWhenIdle = () => {
    if (!closeRequested || closed || syncing || unsynced.length > 0) return;
    closed = true;
    port.close();
    opts.onClose();
  };

  const sync = () => {
    if (syncing || unsynced.length === 0) return;
    const covered = unsynced;
    unsynced = [];
    syncing = true;
    opts.syncWal((err) => {
      syncing = false;
      reply(err ? covered.map((c) => ({ id: c.id, failed: describeFailure(err) })) : covered);
      sync();
      closeWhenIdle();
    });
  };

  port.on('message', (first: AppendWorkerRequest) => {
    if (closeRequested) return;
    const members: Member[] = [];
    /** Requests settled without the transaction (refused bodies, failed preparation). */
    const settled: AppendOutcome[] = [];
    let events = 0;
    for (let request: AppendWorkerRequest | undefined = first; request; request = receiveMessageOnPort(port)?.message) {
      // Requests queued before 'close' are committed first: close() on the main thread waits for them.
      if (request.kind === 'close') {
        closeRequested = true;
        break;
      }
      const member = toMember(request, opts.preparePublish);
      if ('append' in member) {
        members.push(member);
        events += member.append.events.length;
      } else {
        settled.push(member);
      }
      if (events >= maxGroupEvents) break;
    }
    if (members.length > 0) {
      const outcomes = commitGroup(++commit, members, appendGroup);
      for (const outcome of outcomes) {
        if ('result' in outcome) unsynced.push(outcome);
        else settled.push(outcome);
      }
    }
    reply(settled);
    sync();
    closeWhenIdle();
  });
}

function toMember(request: Exclude<AppendWorkerRequest, { kind: 'close' }>, preparePublish: PreparePublish): Member | AppendOutcome {
  if (request.kind === 'append') return { id: request.id, append: { events: request.events, now: request.now } };
  try {
    const outcome = preparePublish(request);
    if ('refused' in outcome) return { id: request.id, refused: outcome.refused };
    return { id: request.id, append: { events: outcome.prepared.valid, now: request.now }, prepared: outcome.prepared, body: request.body.bytes };
  } catch (err) {
    // A bug, not the body's fault: this request fails (500), the others carry on.
    return { id: request.id, failed: describeFailure(err) };
  }
}

function commitGroup(commit: number, members: Member[], appendGroup: GroupAppend): AppendOutcome[] {
  let results;
  try {
    results = appendGroup(members.map((m) => m.append));
  } catch (err) {
    const failed = describeFailure(err);
    return members.map((m) => ({ id: m.id, failed }));
  }
  return members.map((m, i) => ({ id: m.id, commit, result: results[i]!, ...(m.prepared && { prepared: packPrepared(m.prepared, m.body!) }) }));
}

function describeFailure(err: unknown): AppendFailure {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? { message: err.message, code } : { message: err.message };
}
