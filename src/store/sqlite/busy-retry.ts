/**
 * Waiting for the other writer without blocking the event loop. The main connection runs with busy_timeout 0
 * (kysely-driver.ts): SQLite's own busy handler would sleep the main thread while the append worker holds the
 * write lock for a group commit (tens of ms). Instead a statement that meets the lock fails at once with
 * SQLITE_BUSY and is tried again after a short async pause, for up to BUSY_TIMEOUT_MS in all.
 */
import { BUSY_TIMEOUT_MS } from './connection.ts';

/** Pauses between attempts, ms: short at first (the worker's lock is usually held a few ms), then 10 ms. */
const PAUSES = [1, 2, 5];
const MAX_PAUSE = 10;

export const isBusy = (err: unknown) => typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('SQLITE_BUSY');

/**
 * Runs `attempt` (synchronous SQLite work that has no effect when it fails with SQLITE_BUSY: one autocommit
 * statement, or a BEGIN IMMEDIATE) until it gets past the lock or `timeoutMs` have passed.
 */
export async function retryWhileBusy<T>(attempt: () => T, timeoutMs = BUSY_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    try {
      return attempt();
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, PAUSES[i] ?? MAX_PAUSE));
  }
}
