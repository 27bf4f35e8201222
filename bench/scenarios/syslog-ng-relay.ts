/**
 * The syslog-ng peer: the same events, the same count, the same receiver and the same measurement as (a),
 * through syslog-ng's http() destination with a reliable disk buffer. `runs` runs, medians reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForDelivery } from '../delivery-wait.ts';
import { streamEventsOverTcp } from '../load-generator.ts';
import { median } from '../stats.ts';
import { startSyslogNg } from '../syslog-ng.ts';
import { BATCH_SIZE, EVENTS_PER_REQUEST, fmtInt, freshEvents, type BenchContext, type ScenarioResult } from '../scenario-context.ts';

export interface SyslogNgOptions {
  workers: number;
  /** Same as siemstream's SIEM_FLUSH_INTERVAL_MS default. */
  batchTimeoutMs: number;
}

export interface RelayRun {
  deliveredPerSec: number;
  deliveryP50: number;
  deliveryP99: number;
  peakRssMiB: number;
  cpuSeconds: number;
  complete: boolean;
  duplicates: number;
  bufferFiles: string[];
}

/** One run (fresh syslog-ng, empty disk buffer), logged as it finishes. */
export async function syslogNgRun(ctx: BenchContext, events: number, opts: SyslogNgOptions, run: number, runs: number): Promise<RelayRun> {
  const result = await relayOnce(ctx, events, opts, `syslog-ng run ${run}/${runs}`);
  console.log(
    `  syslog-ng run ${run}/${runs}: ${fmtInt(result.deliveredPerSec)} delivered/s, delivery p50/p99 ${fmtInt(result.deliveryP50)}/${fmtInt(result.deliveryP99)} ms, ` +
      `peak RSS ${fmtInt(result.peakRssMiB)} MiB, CPU ${result.cpuSeconds.toFixed(1)} s${result.complete ? '' : ' INCOMPLETE'}`,
  );
  return result;
}

async function relayOnce(ctx: BenchContext, events: number, opts: SyslogNgOptions, label: string): Promise<RelayRun> {
  const factory = freshEvents();
  await ctx.receiver.reset(factory.marker, events, ['sng']);
  const dir = mkdtempSync(join(tmpdir(), 'syslog-ng-bench-'));
  const syslogNg = await startSyslogNg({
    dir,
    hecBaseUrl: ctx.receiver.baseUrl('sng'),
    batchLines: BATCH_SIZE,
    batchTimeoutMs: opts.batchTimeoutMs,
    workers: opts.workers,
    // Room for the whole run three times over: a full reliable buffer would pause the source.
    diskBufferBytes: Math.max(2 ** 30, events * factory.averageBytes * 3),
  });
  try {
    const streamed = await streamEventsOverTcp({ port: syslogNg.port, factory, total: events, perChunk: EVENTS_PER_REQUEST });
    const { progress, complete } = await waitForDelivery(ctx.receiver, { expected: events, stallMs: 60_000, reportEveryMs: 10_000, label });
    const [latency] = await ctx.receiver.latency(streamed.sentAt, EVENTS_PER_REQUEST);
    const d = progress.destinations[0]!;
    return {
      deliveredPerSec: d.lastAt > 0 ? d.unique / ((d.lastAt - streamed.startedAt) / 1000) : 0,
      deliveryP50: latency!.p50,
      deliveryP99: latency!.p99,
      peakRssMiB: syslogNg.sampler.peakRssMiB(),
      cpuSeconds: syslogNg.sampler.cpuSeconds(),
      complete,
      duplicates: d.duplicates,
      bufferFiles: syslogNg.diskBufferFiles(),
    };
  } finally {
    await syslogNg.stop();
    if (!ctx.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** syslog-ng over its runs: medians (peak RSS: the largest). */
export function syslogNgSummary(events: number, results: RelayRun[], opts: SyslogNgOptions, version: string): ScenarioResult {
  return relayRunsSummary('sng', `syslog-ng ${version} http()`, events, results, [
    `syslog-ng runs, delivered/s: ${results.map((r) => fmtInt(r.deliveredPerSec)).join(', ')}; ` +
      `reliable disk-buffer files: ${[...new Set(results.flatMap((r) => r.bufferFiles))].join(', ') || 'none (!)'}; ` +
      `workers(${opts.workers}) batch-lines(${BATCH_SIZE}) batch-timeout(${opts.batchTimeoutMs})`,
  ]);
}

/** A relay's runs (syslog-ng, the Node.js floor) as one row: medians, peak RSS the largest, no target. */
export function relayRunsSummary(key: string, label: string, events: number, results: RelayRun[], details: string[]): ScenarioResult {
  const runs = results.length;
  return {
    key,
    label: runs > 1 ? `${label}, median of ${runs}` : label,
    events,
    runs,
    deliveredPerSec: median(results.map((r) => r.deliveredPerSec)),
    deliveryP50: median(results.map((r) => r.deliveryP50)),
    deliveryP99: median(results.map((r) => r.deliveryP99)),
    peakRssMiB: Math.max(...results.map((r) => r.peakRssMiB)),
    cpuSeconds: median(results.map((r) => r.cpuSeconds)),
    complete: results.every((r) => r.complete),
    duplicates: results.reduce((n, r) => n + r.duplicates, 0),
    details,
  };
}
