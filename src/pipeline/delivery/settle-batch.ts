/**
 * Settling one batch: send it and act on the classified outcome until every event in it is delivered or
 * dead-lettered. The rules, once:
 *
 * | outcome    | what happens                                                                                |
 * |------------|---------------------------------------------------------------------------------------------|
 * | success    | delivered                                                                                   |
 * | partial    | delivered ones acked; rejected ones dead-lettered with the SIEM's reason; the retry set is   |
 * |            | resent after backoff                                                                        |
 * | retry      | backoff (src/backoff.ts, Retry-After as a floor), resend; events older than the retention   |
 * |            | are dead-lettered instead ("retries exhausted")                                             |
 * | too-large  | split in halves, each settled in turn; a single event is dead-lettered                      |
 * | auth       | events kept; the gate probes every authProbeMs until a probe succeeds or the config changes  |
 * |            | (past the retention they are dead-lettered like retries)                                    |
 * | permanent  | dead-lettered with the SIEM's text                                                          |
 *
 * Oversize events (over the connector's maxEventBytes) arrive as their own batch and are dead-lettered unsent.
 * Dead letters are written (awaited) before the batch is reported settled, so positions never pass an event that
 * is neither delivered nor stored. A sent batch the SIEM turned away whole (permanent, every item of a partial
 * answer rejected, or a single event too large) is reported as `rejected`: a failure of the destination too,
 * not only of its events.
 */
import type { Connector, DeliveryOutcome } from '../../connectors/shared/types.ts';
import type { StoredEvent } from '../../store/event-log.ts';
import type { DeadLetterCause } from './dead-letter-repo.ts';
import { GateStopped, type DeliveryGate } from './delivery-gate.ts';
import type { Batch, DeliveryStream } from './stream.ts';

/** What settling tells the destination's health, stats and metrics. */
export interface SettleReporter {
  /** `live`: deliveries of the live stream, whose publish → ack latency is measured. */
  delivered(events: readonly StoredEvent[], live: boolean): void;
  /** A send failed (retryable or auth). `current`: false for an answer to a request older than the last failure. */
  failedAttempt(eventCount: number, kind: 'retry' | 'auth', message: string, current: boolean): void;
  resent(eventCount: number): void;
  deadLettered(eventCount: number, reason: string): void;
  /** Events dead-lettered because retries ran past the retention. */
  exhausted(eventCount: number, message: string): void;
  /** The SIEM turned a sent batch away whole: every event dead-lettered on its answer, none delivered or to retry. */
  rejected(eventCount: number, reason: string): void;
}

export interface SettleContext {
  gate: DeliveryGate;
  /** The destination's current connector (a config change swaps it between attempts); undefined: not configured. */
  connector(): Connector | undefined;
  signal: AbortSignal;
  now(): number;
  retentionMs: number;
  maxEventBytes(): number;
  report: SettleReporter;
}

interface Failure {
  message: string;
  status: number | null;
}

/** Settles the batch; returns the events delivered. Throws GateStopped when the worker stops first. */
export async function settleBatch(ctx: SettleContext, batch: Batch): Promise<StoredEvent[]> {
  const delivered: StoredEvent[] = [];
  if (batch.oversize) {
    const reason = `event is ${batch.bytes} bytes, over the connector's limit of ${ctx.maxEventBytes()} bytes (not sent)`;
    await deadLetter(ctx, batch.stream, batch.events, { reason, statusCode: null, responseText: null }, 0);
    return delivered;
  }
  await settle(ctx, batch.stream, batch.events, delivered, 0);
  return delivered;
}

async function settle(ctx: SettleContext, stream: DeliveryStream, events: StoredEvent[], delivered: StoredEvent[], attemptsSoFar: number): Promise<void> {
  let pending = events;
  let attempts = attemptsSoFar;
  let lastFailure: Failure | undefined;
  while (pending.length > 0) {
    if (attempts > 0 && lastFailure) {
      const cutoff = ctx.now() - ctx.retentionMs;
      const expired = pending.filter((e) => stream.retriesSince(e) < cutoff);
      if (expired.length > 0) {
        const hours = Math.round(ctx.retentionMs / 3_600_000);
        const reason = `retries exhausted: not delivered within the retention (${hours} h); last error: ${lastFailure.message}`;
        await deadLetter(ctx, stream, expired, { reason, statusCode: lastFailure.status, responseText: lastFailure.message }, attempts);
        ctx.report.exhausted(expired.length, reason);
        pending = pending.filter((e) => stream.retriesSince(e) >= cutoff);
        continue;
      }
    }
    // After a failure, wake up when the oldest event expires even if the gate is still closed.
    const wakeAt = attempts > 0 ? earliestRetriesSince(stream, pending) + ctx.retentionMs : undefined;
    const epoch = await ctx.gate.pass(pending[0].seq, wakeAt);
    if (epoch === undefined) continue;
    if (ctx.signal.aborted) {
      ctx.gate.abandon(epoch);
      throw new GateStopped();
    }
    const connector = ctx.connector();
    if (!connector) {
      // Not configured (e.g. the config became unusable mid-batch): wait like an auth failure, for a fix.
      lastFailure = { message: 'connector cannot be instantiated', status: null };
      ctx.gate.authFailed(epoch);
      attempts = Math.max(attempts, 1);
      continue;
    }
    if (attempts > 0) ctx.report.resent(pending.length);
    attempts++;
    const outcome = await send(connector, pending, ctx.signal);
    switch (outcome.kind) {
      case 'success':
        ctx.gate.succeeded(epoch);
        ack(ctx, stream, pending, delivered);
        return;
      case 'partial': {
        const retry = new Set(outcome.retry);
        const rejected = new Map(outcome.rejected.map((r) => [r.index, r.reason]));
        const acked = pending.filter((_, i) => !retry.has(i) && !rejected.has(i));
        ack(ctx, stream, acked, delivered);
        if (rejected.size > 0) {
          const items = [...rejected].map(([i, reason]) => ({
            event: pending[i],
            cause: { reason: `rejected by the SIEM: ${reason}`, statusCode: outcome.status ?? null, responseText: reason },
            attempts,
          }));
          await stream.deadLetter(items);
          const summary = `${items.length} of ${pending.length} events ${items[0].cause.reason}`;
          ctx.report.deadLettered(items.length, summary);
          if (acked.length === 0 && retry.size === 0) ctx.report.rejected(items.length, summary);
        }
        if (retry.size === 0) {
          ctx.gate.succeeded(epoch);
          return;
        }
        pending = pending.filter((_, i) => retry.has(i));
        lastFailure = { message: outcome.message ?? `${retry.size} events to retry`, status: outcome.status ?? null };
        const current = ctx.gate.failed(epoch, outcome.retryAfterMs) !== undefined;
        ctx.report.failedAttempt(pending.length, 'retry', lastFailure.message, current);
        break;
      }
      case 'retry': {
        lastFailure = { message: outcome.message, status: outcome.status ?? null };
        const current = ctx.gate.failed(epoch, outcome.retryAfterMs) !== undefined;
        ctx.report.failedAttempt(pending.length, 'retry', outcome.message, current);
        break;
      }
      case 'auth': {
        lastFailure = { message: outcome.message, status: outcome.status ?? null };
        const current = ctx.gate.authFailed(epoch);
        ctx.report.failedAttempt(pending.length, 'auth', outcome.message, current);
        break;
      }
      case 'too-large': {
        ctx.gate.succeeded(epoch);
        if (pending.length === 1) {
          const reason = `too large for the SIEM${outcome.status ? ` (${outcome.status})` : ''}`;
          const text = await deadLetter(ctx, stream, pending, { reason, statusCode: outcome.status ?? null, responseText: outcome.message }, attempts);
          ctx.report.rejected(1, text);
          return;
        }
        const half = Math.ceil(pending.length / 2);
        await settle(ctx, stream, pending.slice(0, half), delivered, attempts);
        await settle(ctx, stream, pending.slice(half), delivered, attempts);
        return;
      }
      case 'permanent': {
        ctx.gate.succeeded(epoch);
        const reason = `rejected by the SIEM${outcome.status ? ` (${outcome.status})` : ''}`;
        const text = await deadLetter(ctx, stream, pending, { reason, statusCode: outcome.status ?? null, responseText: outcome.message }, attempts);
        ctx.report.rejected(pending.length, text);
        return;
      }
    }
  }
}

function ack(ctx: SettleContext, stream: DeliveryStream, events: StoredEvent[], delivered: StoredEvent[]): void {
  if (events.length === 0) return;
  for (const e of events) delivered.push(e);
  ctx.report.delivered(events, stream.kind === 'live');
}

/** Stores the dead letters, reports them, and returns the reason as reported. */
async function deadLetter(ctx: SettleContext, stream: DeliveryStream, events: readonly StoredEvent[], cause: DeadLetterCause, attempts: number): Promise<string> {
  await stream.deadLetter(events.map((event) => ({ event, cause, attempts })));
  const text = cause.responseText ? `${cause.reason}: ${cause.responseText}` : cause.reason;
  ctx.report.deadLettered(events.length, text);
  return text;
}

function earliestRetriesSince(stream: DeliveryStream, events: readonly StoredEvent[]): number {
  let earliest = Infinity;
  for (const e of events) earliest = Math.min(earliest, stream.retriesSince(e));
  return earliest;
}

/** Connectors never throw by contract; should one, it is a retryable failure here, not a crashed worker. */
async function send(connector: Connector, events: readonly StoredEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
  try {
    return await connector.send(events, { signal });
  } catch (err) {
    return { kind: 'retry', message: `connector error: ${(err as Error).message ?? String(err)}` };
  }
}
