/** What every scenario gets, what it returns, and the targets of issue 4. */
import { randomBytes } from 'node:crypto';
import { createEventFactory, type EventFactory } from './bench-events.ts';
import type { Receiver } from './receiver-client.ts';
import { BENCH_ORG } from './siemstream-deployment.ts';

export const TARGETS = {
  /** (a) end-to-end events/s, one destination. */
  oneDestinationPerSec: 50_000,
  /** (b) events/s per destination, four destinations. */
  perDestinationPerSec: 25_000,
  /** (c) peak RSS while a 1,000,000-event backlog builds and drains. */
  backlogPeakRssMiB: 300,
  /** (d) delivery p99 at a steady 5,000 events/s. */
  steadyP99Ms: 2000,
  steadyRatePerSec: 5000,
  /** siemstream (a) throughput / syslog-ng throughput. */
  ratioToSyslogNg: 1.0,
} as const;

/** Events per publish request and per destination batch (siemstream batch_size, syslog-ng batch-lines). */
export const EVENTS_PER_REQUEST = 1000;
export const BATCH_SIZE = 1000;
/** Publish requests in flight at once (BENCH_PUBLISH_CONCURRENCY, default 4). */
export const PUBLISH_CONCURRENCY = publishConcurrency(process.env.BENCH_PUBLISH_CONCURRENCY);

function publishConcurrency(raw: string | undefined): number {
  if (raw === undefined) return 4;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_PUBLISH_CONCURRENCY must be a positive integer, not ${JSON.stringify(raw)}`);
  return n;
}

export interface BenchContext {
  receiver: Receiver;
  keep: boolean;
  cpuProfDir?: string;
  compression: 'none' | 'gzip';
  /** Node / V8 flags for the service's command line (--node-options). */
  nodeOptions?: string;
}

export interface ScenarioResult {
  key: string;
  label: string;
  /** Events published (each destination receives all of them). */
  events: number;
  runs: number;
  /** Main throughput figure: delivered events/s (per destination, the slowest; drain rate for the backlog). */
  deliveredPerSec: number;
  publishPerSec?: number;
  publishP50?: number;
  publishP99?: number;
  deliveryP50?: number;
  deliveryP99?: number;
  peakRssMiB: number;
  cpuSeconds: number;
  /** Every destination received every accepted event. */
  complete: boolean;
  duplicates: number;
  target?: { text: string; pass: boolean };
  details: string[];
  /** The scenario could not run to the end (service failed to start, publish API refused, …). */
  error?: string;
}

/** A row for a scenario that failed before producing numbers. */
export function failedScenario(key: string, label: string, events: number, error: unknown): ScenarioResult {
  const message = (error as Error)?.message ?? String(error);
  return {
    key,
    label,
    events,
    runs: 0,
    deliveredPerSec: Number.NaN,
    peakRssMiB: Number.NaN,
    cpuSeconds: Number.NaN,
    complete: false,
    duplicates: 0,
    details: [`${label}: ERROR ${message.split('\n').slice(0, 6).join(' | ')}`],
    error: message,
  };
}

/** A fresh uid namespace per run: events of one run can never be counted in another. */
export function freshEvents(): EventFactory {
  return createEventFactory(randomBytes(4).toString('hex'), BENCH_ORG.id);
}

export const fmtInt = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : Math.round(n).toLocaleString('en-US'));
