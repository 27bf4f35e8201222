/**
 * The Node.js floor (bench/node-floor-relay.ts): the same events, count, publisher, receiver and measurement as
 * (a), through a process that only validates every event with siemstream's reader and forwards the body. It runs
 * alternating with (a) and syslog-ng, so the three see the same machine; medians reported.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { stopChild, track } from '../children.ts';
import { waitForDelivery } from '../delivery-wait.ts';
import { publishEvents } from '../load-generator.ts';
import { sampleProcess } from '../process-sampler.ts';
import { BENCH_ORG } from '../siemstream-deployment.ts';
import { EVENTS_PER_REQUEST, PUBLISH_CONCURRENCY, fmtInt, freshEvents, type BenchContext, type ScenarioResult } from '../scenario-context.ts';
import { relayRunsSummary, type RelayRun } from './syslog-ng-relay.ts';

export async function nodeFloorRun(ctx: BenchContext, events: number, run: number, runs: number): Promise<RelayRun> {
  const factory = freshEvents();
  await ctx.receiver.reset(factory.marker, events, ['floor']);
  const child = track(
    fork(join(import.meta.dirname, '..', 'node-floor-relay.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, FLOOR_HEC_BASE_URL: ctx.receiver.baseUrl('floor'), FLOOR_ORG_ID: BENCH_ORG.id },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve((m as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`Node.js floor relay exited early (code ${code})`)));
    });
    const sampler = sampleProcess(child.pid!);
    const label = `Node.js floor run ${run}/${runs}`;
    const published = await publishEvents({
      targets: [`http://127.0.0.1:${port}`],
      token: 'floor',
      factory,
      total: events,
      perRequest: EVENTS_PER_REQUEST,
      concurrency: PUBLISH_CONCURRENCY,
    });
    const { progress, complete } = await waitForDelivery(ctx.receiver, { expected: published.accepted, stallMs: 60_000, label });
    const [latency] = await ctx.receiver.latency(published.sentAt, EVENTS_PER_REQUEST);
    const d = progress.destinations[0]!;
    const result: RelayRun = {
      deliveredPerSec: d.lastAt > 0 ? d.unique / ((d.lastAt - published.startedAt) / 1000) : 0,
      deliveryP50: latency!.p50,
      deliveryP99: latency!.p99,
      peakRssMiB: sampler.peakRssMiB(),
      cpuSeconds: sampler.cpuSeconds(),
      complete: complete && published.accepted === events,
      duplicates: d.duplicates,
      bufferFiles: [],
    };
    sampler.stop();
    console.log(
      `  ${label}: ${fmtInt(result.deliveredPerSec)} delivered/s, delivery p50/p99 ${fmtInt(result.deliveryP50)}/${fmtInt(result.deliveryP99)} ms, ` +
        `peak RSS ${fmtInt(result.peakRssMiB)} MiB, CPU ${result.cpuSeconds.toFixed(1)} s${result.complete ? '' : ' INCOMPLETE'}`,
    );
    return result;
  } finally {
    await stopChild(child);
  }
}

/** The floor over its runs: medians (peak RSS: the largest). No target: a reference row. */
export function nodeFloorSummary(events: number, results: RelayRun[]): ScenarioResult {
  return relayRunsSummary('floor', 'Node.js floor', events, results, [
    `Node.js floor runs, delivered/s: ${results.map((r) => fmtInt(r.deliveredPerSec)).join(', ')} ` +
      `(HTTP in, siemstream's validation of every event, the body forwarded as one HEC event; nothing stored)`,
  ]);
}
