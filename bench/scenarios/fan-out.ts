/**
 * (a) one destination and (b) four destinations receiving everything: publish N events as fast as the service
 * accepts them, and time until every destination has every event.
 *
 * delivered/s per destination = unique events received / (last first-time receipt − first publish request sent):
 * end to end, publish and delivery overlapping as they do in production.
 */
import { waitForDelivery } from '../delivery-wait.ts';
import { publishEvents } from '../load-generator.ts';
import { median } from '../stats.ts';
import { startDeployment, type DeploymentOptions } from '../siemstream-deployment.ts';
import {
  BATCH_SIZE,
  EVENTS_PER_REQUEST,
  PUBLISH_CONCURRENCY,
  TARGETS,
  fmtInt,
  freshEvents,
  type BenchContext,
  type ScenarioResult,
} from '../scenario-context.ts';

export interface FanOutRun {
  /** Slowest destination's delivered/s. */
  deliveredPerSec: number;
  perDestination: Array<{ name: string; perSec: number; unique: number; duplicates: number }>;
  /** All deliveries together per second (until the last destination finished). */
  aggregatePerSec: number;
  publishPerSec: number;
  publishP50: number;
  publishP99: number;
  deliveryP50: number;
  deliveryP99: number;
  peakRssMiB: number;
  cpuSeconds: number;
  /** PostgreSQL mode: the database server's CPU seconds for this deployment. */
  serverCpuSeconds?: number;
  complete: boolean;
  duplicates: number;
  notes: string[];
}

/** `store`: PostgreSQL mode (scale-out scenario); default the embedded SQLite store, one instance. */
export async function runFanOut(
  ctx: BenchContext,
  destinations: number,
  events: number,
  label: string,
  store: Pick<DeploymentOptions, 'postgresAdminUrl' | 'instances'> = {},
): Promise<FanOutRun> {
  const fileLabel = label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
  const factory = freshEvents();
  const names = Array.from({ length: destinations }, (_, i) => `d${i}`);
  await ctx.receiver.reset(factory.marker, events, names);
  const deployment = await startDeployment({ label: fileLabel, keep: ctx.keep, cpuProfDir: ctx.cpuProfDir, nodeOptions: ctx.nodeOptions, ...store });
  try {
    for (const name of names) {
      await deployment.addSplunkDestination({ name, hecBaseUrl: ctx.receiver.baseUrl(name), batchSize: BATCH_SIZE, compression: ctx.compression });
    }
    const published = await publishEvents({
      targets: deployment.publishTargets,
      token: deployment.token,
      factory,
      total: events,
      perRequest: EVENTS_PER_REQUEST,
      concurrency: PUBLISH_CONCURRENCY,
    });
    const notes = published.errors.map((e) => `publish: ${e}`);
    const { progress, complete } = await waitForDelivery(ctx.receiver, { expected: published.accepted, stallMs: 60_000, reportEveryMs: 10_000, label });
    const latency = await ctx.receiver.latency(published.sentAt, EVENTS_PER_REQUEST);
    const perDestination = progress.destinations.map((d) => ({
      name: d.name,
      unique: d.unique,
      duplicates: d.duplicates,
      perSec: d.lastAt > 0 ? d.unique / ((d.lastAt - published.startedAt) / 1000) : 0,
    }));
    const lastAt = Math.max(...progress.destinations.map((d) => d.lastAt));
    const delivered = progress.destinations.reduce((n, d) => n + d.unique, 0);
    if (published.accepted < events) notes.push(`only ${fmtInt(published.accepted)} of ${fmtInt(events)} events accepted`);
    return {
      deliveredPerSec: Math.min(...perDestination.map((d) => d.perSec)),
      perDestination,
      aggregatePerSec: lastAt > 0 ? delivered / ((lastAt - published.startedAt) / 1000) : 0,
      publishPerSec: published.accepted / ((published.finishedAt - published.startedAt) / 1000),
      publishP50: published.latency.p50,
      publishP99: published.latency.p99,
      deliveryP50: Math.max(...latency.map((l) => l.p50)),
      deliveryP99: Math.max(...latency.map((l) => l.p99)),
      peakRssMiB: deployment.peakRssMiB(),
      cpuSeconds: deployment.cpuSeconds(),
      serverCpuSeconds: await deployment.serverCpuSeconds(),
      complete: complete && published.accepted === events,
      duplicates: progress.destinations.reduce((n, d) => n + d.duplicates, 0),
      notes,
    };
  } finally {
    await deployment.stop();
  }
}

/** (a): one run (fresh service and store), logged as it finishes. */
export async function oneDestinationRun(ctx: BenchContext, events: number, run: number, runs: number): Promise<FanOutRun> {
  const result = await runFanOut(ctx, 1, events, `(a) run ${run}/${runs}`);
  console.log(
    `  (a) run ${run}/${runs}: ${fmtInt(result.deliveredPerSec)} delivered/s, publish ${fmtInt(result.publishPerSec)}/s ` +
      `p50/p99 ${fmtInt(result.publishP50)}/${fmtInt(result.publishP99)} ms, delivery p50/p99 ${fmtInt(result.deliveryP50)}/${fmtInt(result.deliveryP99)} ms, ` +
      `peak RSS ${fmtInt(result.peakRssMiB)} MiB, CPU ${result.cpuSeconds.toFixed(1)} s${result.complete ? '' : ' INCOMPLETE'}`,
  );
  return result;
}

/** (a) over its runs: medians (peak RSS: the largest). */
export function oneDestinationSummary(events: number, results: FanOutRun[]): ScenarioResult {
  const runs = results.length;
  const deliveredPerSec = median(results.map((r) => r.deliveredPerSec));
  return {
    key: 'a',
    label: runs > 1 ? `(a) 1 destination, median of ${runs}` : '(a) 1 destination',
    events,
    runs,
    deliveredPerSec,
    publishPerSec: median(results.map((r) => r.publishPerSec)),
    publishP50: median(results.map((r) => r.publishP50)),
    publishP99: median(results.map((r) => r.publishP99)),
    deliveryP50: median(results.map((r) => r.deliveryP50)),
    deliveryP99: median(results.map((r) => r.deliveryP99)),
    peakRssMiB: Math.max(...results.map((r) => r.peakRssMiB)),
    cpuSeconds: median(results.map((r) => r.cpuSeconds)),
    complete: results.every((r) => r.complete),
    duplicates: results.reduce((n, r) => n + r.duplicates, 0),
    target: { text: `≥ ${fmtInt(TARGETS.oneDestinationPerSec)}/s`, pass: deliveredPerSec >= TARGETS.oneDestinationPerSec },
    details: [
      `(a) runs, delivered/s: ${results.map((r) => fmtInt(r.deliveredPerSec)).join(', ')}`,
      ...results.flatMap((r) => r.notes.map((n) => `(a) ${n}`)),
    ],
  };
}

/** (b): four destinations, each selecting every event. */
export async function fourDestinations(ctx: BenchContext, events: number): Promise<ScenarioResult> {
  const run = await runFanOut(ctx, 4, events, '(b)');
  return {
    key: 'b',
    label: '(b) 4 destinations, slowest',
    events,
    runs: 1,
    deliveredPerSec: run.deliveredPerSec,
    publishPerSec: run.publishPerSec,
    publishP50: run.publishP50,
    publishP99: run.publishP99,
    deliveryP50: run.deliveryP50,
    deliveryP99: run.deliveryP99,
    peakRssMiB: run.peakRssMiB,
    cpuSeconds: run.cpuSeconds,
    complete: run.complete,
    duplicates: run.duplicates,
    target: { text: `≥ ${fmtInt(TARGETS.perDestinationPerSec)}/s each`, pass: run.deliveredPerSec >= TARGETS.perDestinationPerSec },
    details: [
      `(b) per destination delivered/s: ${run.perDestination.map((d) => `${d.name} ${fmtInt(d.perSec)}`).join(', ')}; ` +
        `all four together: ${fmtInt(run.aggregatePerSec)} deliveries/s`,
      ...run.notes.map((n) => `(b) ${n}`),
    ],
  };
}
