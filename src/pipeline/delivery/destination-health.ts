/**
 * One destination's health, counters and latency as delivery sees them, written out at most once per flush
 * interval (~1 s): the state fields that changed go to the feed's DeliveryStateSink (siem_configs row or the
 * registry), the counter deltas and latest latency figures to delivery_stats, and per minute to delivery_minutes.
 * Hot-path calls only touch memory.
 *
 * delivery_status: healthy after a success; degraded while retrying; error on an auth failure or when retries
 * ran past the retention; degraded, then error, after a run of batches the SIEM rejected whole
 * (REJECTED_BATCHES_UNTIL); not_configured when the connector cannot be instantiated. `paused` is the config
 * service's (a disabled destination has no worker).
 */
import type { StoredEvent } from '../../store/event-log.ts';
import type { DestinationMetrics } from './delivery-metrics.ts';
import type { DeliveryStateSink, DeliveryStateUpdate } from './destination.ts';
import { LatencyTracker } from './latency-tracker.ts';
import { MinuteCounters } from './minute-counters.ts';
import type { SettleReporter } from './settle-batch.ts';
import type { StatsDelta, StatsRepo } from './stats-repo.ts';

/**
 * After how many batches in a row the SIEM rejected whole (every event dead-lettered on its answer) the status
 * turns degraded, then error. One or two such batches can be a poison event, which dead-lettering deals with; a
 * run of them means the destination refuses everything (a wrong index, a schema mismatch). Any delivery ends the
 * run, so does a batch partly delivered.
 */
export const REJECTED_BATCHES_UNTIL = { degraded: 3, error: 10 } as const;

export class DestinationHealth implements SettleReporter {
  readonly latency: LatencyTracker;
  /** The same counters and latency per minute, for the charts (delivery_minutes). */
  private readonly minutes: MinuteCounters;
  private pending: DeliveryStateUpdate = {};
  /** Batches in a row the SIEM rejected whole (since this worker started). */
  private rejectedRun = 0;
  private delta = emptyDelta();
  private latencyChanged = false;

  constructor(
    private readonly destinationId: string,
    private readonly now: () => number,
    private readonly metrics: DestinationMetrics,
  ) {
    this.latency = new LatencyTracker(now);
    this.minutes = new MinuteCounters(now);
  }

  delivered(events: readonly StoredEvent[], live: boolean): void {
    const now = this.now();
    if (live) {
      // The events of one append share their publish time: record each run of them at once.
      for (let i = 0; i < events.length; ) {
        const publishedAt = events[i].publishedAt;
        let end = i + 1;
        while (end < events.length && events[end].publishedAt === publishedAt) end++;
        const ms = now - publishedAt;
        this.latency.record(ms, end - i);
        this.minutes.latency(ms, end - i);
        this.metrics.latency(ms / 1000, end - i);
        i = end;
      }
      this.latencyChanged = true;
    }
    this.delta.delivered += events.length;
    this.minutes.count('delivered', events.length);
    this.metrics.delivered(events.length);
    this.rejectedRun = 0;
    delete this.pending.failuresAdded;
    Object.assign(this.pending, { deliveryStatus: 'healthy', failureCount: 0, lastDeliveryAt: now, lastSuccessfulBatchAt: now, lastError: null });
  }

  failedAttempt(eventCount: number, kind: 'retry' | 'auth', message: string, current: boolean): void {
    this.delta.failed += eventCount;
    this.minutes.count('failed', eventCount);
    // An answer to a request sent before the latest failure or config change says nothing new about health.
    if (!current) return;
    this.countFailure();
    Object.assign(this.pending, {
      deliveryStatus: kind === 'auth' ? 'error' : 'degraded',
      lastDeliveryAt: this.now(),
      lastError: message,
    });
  }

  resent(eventCount: number): void {
    this.delta.retried += eventCount;
    this.minutes.count('retried', eventCount);
    this.metrics.retried(eventCount);
  }

  deadLettered(eventCount: number, reason: string): void {
    this.delta.deadLettered += eventCount;
    this.minutes.count('deadLettered', eventCount);
    this.metrics.deadLettered(eventCount);
    this.pending.lastError = reason;
  }

  rejected(_eventCount: number, reason: string): void {
    this.countFailure();
    this.rejectedRun++;
    const run = this.rejectedRun;
    const status = run >= REJECTED_BATCHES_UNTIL.error ? 'error' : run >= REJECTED_BATCHES_UNTIL.degraded ? 'degraded' : undefined;
    Object.assign(this.pending, {
      ...(status && { deliveryStatus: status }),
      lastDeliveryAt: this.now(),
      lastError: run === 1 ? reason : `${run} batches in a row rejected by the SIEM (every event dead-lettered); last: ${reason}`,
    });
  }

  exhausted(_eventCount: number, message: string): void {
    Object.assign(this.pending, { deliveryStatus: 'error', lastError: message });
  }

  notConfigured(message: string): void {
    Object.assign(this.pending, { deliveryStatus: 'not_configured', lastError: message });
  }

  /**
   * failure_count is written as an increment of the stored value: connection tests (on any instance) count
   * failures of the same destination meanwhile, and an absolute value from here would erase them.
   */
  private countFailure(): void {
    this.pending.failuresAdded = (this.pending.failuresAdded ?? 0) + 1;
  }

  /** The config changed (or the destination stops for good): pending state is about the old one, drop it. */
  discardPendingState(): void {
    this.pending = {};
  }

  /** Writes what changed since the last flush. */
  async flush(sink: DeliveryStateSink, stats: StatsRepo, fence: number | null): Promise<void> {
    const state = this.pending;
    const delta = this.delta;
    const withLatency = this.latencyChanged;
    const perMinute = this.minutes.take();
    this.pending = {};
    this.delta = emptyDelta();
    this.latencyChanged = false;
    const counters = delta.delivered + delta.failed + delta.retried + delta.deadLettered;
    try {
      if (Object.keys(state).length > 0) await sink.update(this.destinationId, state, fence);
      if (counters > 0 || withLatency) {
        await stats.add(
          this.destinationId,
          {
            ...delta,
            lastLatencyMs: withLatency ? this.latency.lastMs : null,
            latencyP50Ms: withLatency ? this.latency.quantile(0.5) : null,
            latencyP99Ms: withLatency ? this.latency.quantile(0.99) : null,
          },
          this.now(),
        );
      }
    } catch (err) {
      // Keep what was not written for the next flush (newer state wins over the restored one).
      this.pending = restoredState(state, this.pending);
      for (const k of ['delivered', 'failed', 'retried', 'deadLettered'] as const) this.delta[k] += delta[k];
      this.latencyChanged ||= withLatency;
      this.minutes.restore(perMinute);
      throw err;
    }
    try {
      await stats.addMinutes(this.destinationId, perMinute);
    } catch (err) {
      this.minutes.restore(perMinute);
      throw err;
    }
  }
}

/** A state that could not be written, under what was reported since: newer values win, failures add up. */
function restoredState(failed: DeliveryStateUpdate, since: DeliveryStateUpdate): DeliveryStateUpdate {
  const merged: DeliveryStateUpdate = { ...failed, ...since };
  // A success since reset the count: failures before it no longer count.
  const added = (since.failureCount === undefined ? (failed.failuresAdded ?? 0) : 0) + (since.failuresAdded ?? 0);
  if (added > 0) merged.failuresAdded = added;
  else delete merged.failuresAdded;
  return merged;
}

function emptyDelta(): Pick<StatsDelta, 'delivered' | 'failed' | 'retried' | 'deadLettered'> {
  return { delivered: 0, failed: 0, retried: 0, deadLettered: 0 };
}
