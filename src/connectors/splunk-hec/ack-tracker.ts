/**
 * Indexer acknowledgement (protocols.md §1.9). A batch sent with a channel gets an `ackId`; it counts as delivered
 * only once `POST /services/collector/ack` reports that id `true`. One tracker per connector (= per channel)
 * polls for every in-flight batch in a single query, so concurrent batches cost one request per interval.
 * Splunk forgets an id once it has reported it `true`, so a `true` is settled immediately and never asked again.
 */
import type { Logger } from 'pino';

export type AckResult = 'acked' | 'timeout' | 'disabled' | 'aborted' | 'closed';

/** What one status query returned. */
export type AckPollAnswer =
  | { kind: 'status'; acks: Record<string, boolean> }
  /** The token has acknowledgement turned off (400 code 14): stop waiting, trust the 200. */
  | { kind: 'disabled' }
  /** Transport error, 5xx, unexpected body: keep polling until the deadline. */
  | { kind: 'error'; message: string };

export interface AckTrackerOptions {
  query(ackIds: number[]): Promise<AckPollAnswer>;
  now: () => number;
  logger: Logger;
  pollIntervalMs: number;
  /** Give up on an id after this long: the batch is resent (duplicates possible, as with any at-least-once retry). */
  timeoutMs: number;
}

export interface AckTracker {
  /** Resolves when `ackId` is acknowledged, the bound passes, ack turns out disabled, `signal` aborts or on close. */
  wait(ackId: number, signal?: AbortSignal): Promise<AckResult>;
  /** Ids currently awaited. */
  pending(): number;
  close(): void;
}

interface Waiter {
  deadline: number;
  settle(result: AckResult): void;
}

export function createAckTracker(opts: AckTrackerOptions): AckTracker {
  const waiters = new Map<number, Waiter>();
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let closed = false;
  let loggedDisabled = false;
  let lastErrorLogged: string | undefined;

  function settle(ackId: number, result: AckResult): void {
    const w = waiters.get(ackId);
    if (!w) return;
    waiters.delete(ackId);
    w.settle(result);
  }

  function schedule(): void {
    if (timer || polling || closed || waiters.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void poll();
    }, opts.pollIntervalMs);
  }

  async function poll(): Promise<void> {
    polling = true;
    try {
      const answer = await opts.query([...waiters.keys()]).catch(
        (err: unknown): AckPollAnswer => ({ kind: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
      if (closed) return;
      if (answer.kind === 'status') {
        lastErrorLogged = undefined;
        for (const [id, acked] of Object.entries(answer.acks)) if (acked === true) settle(Number(id), 'acked');
      } else if (answer.kind === 'disabled') {
        if (!loggedDisabled) {
          loggedDisabled = true;
          opts.logger.warn('Splunk HEC answered "ACK is disabled" (code 14): counting HTTP 200 answers as delivered');
        }
        for (const id of [...waiters.keys()]) settle(id, 'disabled');
      } else if (answer.message !== lastErrorLogged) {
        // Log each distinct failure once; the deadline below bounds how long it can last.
        lastErrorLogged = answer.message;
        opts.logger.warn({ err: answer.message }, 'Splunk HEC ack status query failed; still waiting');
      }
      const now = opts.now();
      for (const [id, w] of [...waiters]) if (now >= w.deadline) settle(id, 'timeout');
    } finally {
      polling = false;
      schedule();
    }
  }

  return {
    wait(ackId, signal) {
      if (closed) return Promise.resolve('closed');
      if (signal?.aborted) return Promise.resolve('aborted');
      return new Promise<AckResult>((resolve) => {
        const onAbort = () => settle(ackId, 'aborted');
        // A reused id (a new channel epoch after a Splunk restart) supersedes the stale wait.
        settle(ackId, 'timeout');
        waiters.set(ackId, {
          deadline: opts.now() + opts.timeoutMs,
          settle(result) {
            signal?.removeEventListener('abort', onAbort);
            resolve(result);
          },
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        schedule();
      });
    },
    pending: () => waiters.size,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const id of [...waiters.keys()]) settle(id, 'closed');
    },
  };
}
