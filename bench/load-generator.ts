/**
 * Load generators: the same events, fed either to siemstream's publish API (`POST /v1/events`, requests of
 * 1,000 events over keep-alive HTTP) or to syslog-ng's TCP source (newline-delimited, in chunks of the same
 * size). Both record, per request/chunk, the time its events were handed over (`sentAt`), which the receiver
 * turns into delivery latency.
 *
 * Rate-limited mode schedules request i at start + i·perRequest/rate and measures from the SCHEDULED time, so a
 * stalled service shows up in the latencies instead of silently slowing the publisher (coordinated omission).
 */
import { connect, type Socket } from 'node:net';
import { Pool } from 'undici';
import type { EventFactory } from './bench-events.ts';
import { distribution, type Distribution } from './stats.ts';

export interface PublishPlan {
  /** Base URLs of siemstream instances (`http://127.0.0.1:port`); requests go round-robin. */
  targets: string[];
  token: string;
  factory: EventFactory;
  total: number;
  perRequest: number;
  /** Requests in flight at once (across targets). */
  concurrency: number;
  /** Events per second; absent: as fast as the service accepts. */
  ratePerSec?: number;
}

/**
 * Request bodies up to this many events in all are generated before the clock starts (pregenerate()), so that
 * building ~1 KiB strings and encoding them does not take CPU from the system under test on this 2-core machine
 * (it cost the orchestrator ~3 µs per event); larger runs (the 1M backlog) build each body just before sending.
 */
export const PREGENERATE_MAX_EVENTS = 400_000;

/** The bodies of `total` events in groups of `per`, each group rendered by `render` (event texts → body). */
function pregenerate(factory: EventFactory, total: number, per: number, render: (events: string[]) => string): Buffer[] | undefined {
  if (total > PREGENERATE_MAX_EVENTS) return undefined;
  const now = Date.now();
  const bodies: Buffer[] = [];
  for (let first = 0; first < total; first += per) bodies.push(Buffer.from(render(renderEvents(factory, first, Math.min(per, total - first), now)), 'utf8'));
  return bodies;
}

function renderEvents(factory: EventFactory, first: number, count: number, now: number): string[] {
  const events = new Array<string>(count);
  for (let k = 0; k < count; k++) events[k] = factory.event(first + k, now);
  return events;
}

const jsonArray = (events: string[]) => `[${events.join(',')}]`;
const lines = (events: string[]) => `${events.join('\n')}\n`;

export interface PublishResult {
  accepted: number;
  rejected: number;
  /** Requests that never got a 202 after MAX_ATTEMPTS (5xx, 408, 429 and network errors are retried). */
  failedRequests: number;
  /** Re-sent requests. */
  retries: number;
  /** Epoch ms per request index: when its events were handed over (scheduled time in rate mode). */
  sentAt: number[];
  /** Publish latency per request, ms (send → 202 received). */
  latency: Distribution;
  startedAt: number;
  finishedAt: number;
  /** First distinct errors, for the report. */
  errors: string[];
}

const MAX_ATTEMPTS = 50;

export class PublishRefused extends Error {}

export async function publishEvents(plan: PublishPlan): Promise<PublishResult> {
  const pools = plan.targets.map(
    (url) => new Pool(url, { connections: Math.ceil(plan.concurrency / plan.targets.length) + 1, keepAliveTimeout: 60_000, bodyTimeout: 120_000, headersTimeout: 120_000 }),
  );
  const requests = Math.ceil(plan.total / plan.perRequest);
  // Rate-limited runs are light; the others are measured for throughput and get their bodies up front.
  const ready = plan.ratePerSec ? undefined : pregenerate(plan.factory, plan.total, plan.perRequest, jsonArray);
  const sentAt = new Array<number>(requests).fill(0);
  const latencies: number[] = [];
  const errors = new Set<string>();
  let accepted = 0;
  let rejected = 0;
  let failedRequests = 0;
  let retries = 0;
  let next = 0;
  const startedAt = Date.now();
  const intervalMs = plan.ratePerSec ? (plan.perRequest / plan.ratePerSec) * 1000 : 0;

  const sendOne = async (index: number): Promise<void> => {
    const first = index * plan.perRequest;
    const count = Math.min(plan.perRequest, plan.total - first);
    if (intervalMs > 0) await sleepUntil(startedAt + index * intervalMs);
    const now = Date.now();
    const body = ready?.[index] ?? Buffer.from(jsonArray(renderEvents(plan.factory, first, count, now)), 'utf8');
    sentAt[index] = intervalMs > 0 ? startedAt + index * intervalMs : now;
    const pool = pools[index % pools.length]!;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await pool.request({
          method: 'POST',
          path: '/v1/events',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${plan.token}` },
          body,
        });
        const text = await res.body.text();
        if (res.statusCode === 202) {
          const answer = JSON.parse(text) as { accepted: number; rejected: Array<{ index: number; error: string }> };
          accepted += answer.accepted;
          rejected += answer.rejected.length;
          for (const r of answer.rejected.slice(0, 3)) errors.add(`rejected event: ${r.error}`);
          latencies.push(Date.now() - sentAt[index]!);
          return;
        }
        // A 4xx other than 408/429 means the bench or the service is misconfigured (or the API is missing): stop.
        if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 408 && res.statusCode !== 429) {
          throw new PublishRefused(`POST /v1/events answered HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
        }
        errors.add(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
        if (attempt >= MAX_ATTEMPTS) break;
      } catch (err) {
        if (err instanceof PublishRefused) throw err;
        errors.add(`network: ${(err as Error).message}`);
        if (attempt >= MAX_ATTEMPTS) break;
      }
      retries++;
      await sleep(Math.min(1000, 50 * attempt));
    }
    failedRequests++;
  };

  let refused: PublishRefused | undefined;
  const worker = async () => {
    for (let index = next++; index < requests && !refused; index = next++) {
      await sendOne(index).catch((err: unknown) => {
        if (!(err instanceof PublishRefused)) throw err;
        refused ??= err;
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(plan.concurrency, requests) }, worker));
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  if (refused) throw refused;
  return {
    accepted,
    rejected,
    failedRequests,
    retries,
    sentAt,
    latency: distribution(latencies),
    startedAt,
    finishedAt: Date.now(),
    errors: [...errors].slice(0, 5),
  };
}

export interface StreamPlan {
  port: number;
  factory: EventFactory;
  total: number;
  /** Events per chunk: one `sentAt` entry each (same granularity as a publish request). */
  perChunk: number;
}

export interface StreamResult {
  sentAt: number[];
  startedAt: number;
  finishedAt: number;
}

/** Writes the events as newline-delimited JSON to a TCP source, honouring the socket's back-pressure. */
export async function streamEventsOverTcp(plan: StreamPlan): Promise<StreamResult> {
  const socket = await openSocket(plan.port);
  const chunks = Math.ceil(plan.total / plan.perChunk);
  const sentAt = new Array<number>(chunks).fill(0);
  const ready = pregenerate(plan.factory, plan.total, plan.perChunk, lines);
  const startedAt = Date.now();
  try {
    for (let c = 0; c < chunks; c++) {
      const first = c * plan.perChunk;
      const count = Math.min(plan.perChunk, plan.total - first);
      const now = Date.now();
      const text = ready?.[c] ?? lines(renderEvents(plan.factory, first, count, now));
      sentAt[c] = now;
      if (!socket.write(text)) await new Promise<void>((resolve) => socket.once('drain', resolve));
    }
    await new Promise<void>((resolve, reject) => socket.end((err?: Error) => (err ? reject(err) : resolve())));
  } finally {
    socket.destroy();
  }
  return { sentAt, startedAt, finishedAt: Date.now() };
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sleepUntil(epochMs: number): Promise<void> {
  const wait = epochMs - Date.now();
  return wait > 0 ? sleep(wait) : Promise.resolve();
}
