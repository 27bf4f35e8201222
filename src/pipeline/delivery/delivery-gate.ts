/**
 * One destination's pacing after failures. Every send passes the gate first:
 * - open: sends go straight through (up to the worker's in-flight bound);
 * - backoff (retryable failure) / auth (credentials refused): nothing is sent until `notBefore`; then ONE waiting
 *   batch (the one earliest in the log) probes. Its success reopens the gate for everybody; its failure schedules
 *   the next probe (src/backoff.ts; auth: a fixed slow interval). A config change reopens the gate at once.
 *
 * Epochs keep in-flight answers from distorting this: each failure starts a new epoch, and an outcome only counts
 * if its request was sent in the current epoch. So a success of a request sent before a 429 does not cut the
 * 429's Retry-After short, and four requests failing together count as one failure, not four.
 */
import { retryDelay, type BackoffPolicy } from '../../backoff.ts';

const MAX_WAKE_MS = 3_600_000;

export class GateStopped extends Error {
  constructor() {
    super('delivery stopped');
    this.name = 'GateStopped';
  }
}

export type GateMode = 'open' | 'backoff' | 'auth';

interface Waiter {
  seq: number;
  resolve(epoch: number | undefined): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
}

export interface GateOptions {
  backoff: BackoffPolicy;
  /** Probe interval while credentials are refused (SPEC: every minute). */
  authProbeMs: number;
  now: () => number;
  random: () => number;
}

export class DeliveryGate {
  private modeValue: GateMode = 'open';
  private epoch = 0;
  private failures = 0;
  private notBefore = 0;
  private probing = false;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly opts: GateOptions) {}

  get mode(): GateMode {
    return this.modeValue;
  }

  /** Consecutive failures counted by the gate (one per epoch). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** When the next probe may go (epoch ms), while not open. */
  get nextAttemptAt(): number | undefined {
    return this.modeValue === 'open' ? undefined : this.notBefore;
  }

  /** Whether new batches should be started now (the worker stops launching while the gate is closed). */
  get accepting(): boolean {
    return this.modeValue === 'open' && !this.stopped;
  }

  /**
   * Waits until the batch starting at `seq` may be sent; resolves with the epoch to report the outcome against.
   * Resolves undefined at `wakeAt` (epoch ms) if still waiting then, so the caller can re-check its events'
   * retention. Rejects with GateStopped when the worker stops.
   */
  pass(seq: number, wakeAt?: number): Promise<number | undefined> {
    if (this.stopped) return Promise.reject(new GateStopped());
    if (this.modeValue === 'open') return Promise.resolve(this.epoch);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { seq, resolve, reject };
      if (wakeAt !== undefined) {
        waiter.timer = setTimeout(() => {
          this.remove(waiter);
          resolve(undefined);
          // Capped: setTimeout cannot wait past ~24 days, and re-checking hourly costs nothing.
        }, Math.min(MAX_WAKE_MS, Math.max(0, wakeAt - this.opts.now())));
      }
      // Sorted by seq: the probe is always the earliest waiting batch, which keeps delivery in log order.
      let i = this.waiters.length;
      while (i > 0 && this.waiters[i - 1].seq > seq) i--;
      this.waiters.splice(i, 0, waiter);
      this.schedule();
    });
  }

  /** The destination answered (delivered, rejected or too large): it is reachable and accepting. */
  succeeded(epochAtSend: number): void {
    if (this.modeValue !== 'open' && epochAtSend !== this.epoch) return;
    this.modeValue = 'open';
    this.failures = 0;
    this.probing = false;
    this.schedule();
  }

  /** A retryable failure (network, timeout, 429, 5xx…). Returns the delay applied, or undefined for a stale answer. */
  failed(epochAtSend: number, retryAfterMs?: number): number | undefined {
    if (epochAtSend !== this.epoch) return undefined;
    this.failures++;
    const delay = retryDelay(this.failures, { policy: this.opts.backoff, random: this.opts.random, retryAfterMs });
    this.close('backoff', delay);
    return delay;
  }

  /** Credentials refused (or anything only a config change fixes): probe slowly. False for a stale answer. */
  authFailed(epochAtSend: number): boolean {
    if (epochAtSend !== this.epoch) return false;
    this.failures++;
    this.close('auth', this.opts.authProbeMs);
    return true;
  }

  /** A passed batch was not sent after all (worker stopping, connector unavailable): let another probe. */
  abandon(epochAtSend: number): void {
    if (this.modeValue === 'open' || epochAtSend !== this.epoch) return;
    this.probing = false;
    this.schedule();
  }

  /** The config changed: whatever failed may work now, so try at once. */
  reset(): void {
    this.epoch++;
    this.modeValue = 'open';
    this.failures = 0;
    this.probing = false;
    this.schedule();
  }

  /** Rejects every waiter and all future passes. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (w.timer) clearTimeout(w.timer);
      w.reject(new GateStopped());
    }
  }

  private close(mode: GateMode, delayMs: number): void {
    this.epoch++;
    this.modeValue = mode;
    this.notBefore = this.opts.now() + delayMs;
    this.probing = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.modeValue === 'open') {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) this.release(w);
      return;
    }
    if (this.probing || this.waiters.length === 0) return;
    const wait = this.notBefore - this.opts.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.schedule(), wait);
      return;
    }
    this.probing = true;
    this.release(this.waiters.shift()!);
  }

  private release(w: Waiter): void {
    if (w.timer) clearTimeout(w.timer);
    w.resolve(this.epoch);
  }

  private remove(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }
}
