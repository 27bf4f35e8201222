/**
 * (c) A 1,000,000-event backlog drained after the destination comes back.
 *
 * Method: the receiver plays a SIEM in maintenance: every request is answered `503 {"code":9,"text":"Server is
 * busy"}` with `Retry-After: 1`. The destination stays enabled, so its cursor stays put and the backlog stays
 * in the event log (a disabled destination would restart at "now", by design). When publishing has finished the
 * receiver comes back; the service notices at its next retry (full-jitter backoff, so this "recovery wait"
 * depends on how long the outage lasted and is reported separately) and drains.
 *
 * drain rate = events / (last first-time receipt − first receipt after recovery).
 * Peak RSS covers the whole run: publishing into the outage, retrying, and draining.
 */
import { waitForDelivery } from '../delivery-wait.ts';
import { publishEvents } from '../load-generator.ts';
import { startDeployment } from '../siemstream-deployment.ts';
import { BATCH_SIZE, EVENTS_PER_REQUEST, PUBLISH_CONCURRENCY, TARGETS, fmtInt, freshEvents, type BenchContext, type ScenarioResult } from '../scenario-context.ts';

/** The service's backoff ceiling is 5 min: after a long outage the first retry may be that far away. */
const FIRST_DELIVERY_WITHIN_MS = 330_000;

export async function backlogDrain(ctx: BenchContext, events: number): Promise<ScenarioResult> {
  const factory = freshEvents();
  await ctx.receiver.reset(factory.marker, events, ['d0']);
  await ctx.receiver.setMode('down', 1);
  const deployment = await startDeployment({ label: 'c', keep: ctx.keep, cpuProfDir: ctx.cpuProfDir, nodeOptions: ctx.nodeOptions });
  try {
    await deployment.addSplunkDestination({ name: 'd0', hecBaseUrl: ctx.receiver.baseUrl('d0'), batchSize: BATCH_SIZE, compression: ctx.compression });
    const published = await publishEvents({
      targets: deployment.publishTargets,
      token: deployment.token,
      factory,
      total: events,
      perRequest: EVENTS_PER_REQUEST,
      concurrency: PUBLISH_CONCURRENCY,
    });
    const publishSec = (published.finishedAt - published.startedAt) / 1000;
    const rssDuringOutage = deployment.peakRssMiB();
    const outage = await ctx.receiver.progress();
    console.log(
      `  (c) ${fmtInt(published.accepted)} events published into the outage in ${publishSec.toFixed(1)} s ` +
        `(${fmtInt(published.accepted / publishSec)}/s); ${fmtInt(outage.refused)} delivery attempts refused; peak RSS so far ${fmtInt(rssDuringOutage)} MiB; receiver back up`,
    );
    const recoveredAt = Date.now();
    await ctx.receiver.setMode('up');
    const { progress, complete } = await waitForDelivery(ctx.receiver, {
      expected: published.accepted,
      stallMs: 60_000,
      firstEventWithinMs: FIRST_DELIVERY_WITHIN_MS,
      reportEveryMs: 15_000,
      label: '(c) drain',
    });
    const d = progress.destinations[0]!;
    const drainSec = (d.lastAt - d.firstAt) / 1000;
    const drainPerSec = d.unique > 0 && drainSec > 0 ? d.unique / drainSec : 0;
    const peakRssMiB = deployment.peakRssMiB();
    return {
      key: 'c',
      label: `(c) ${fmtInt(events)} backlog, drain rate`,
      events,
      runs: 1,
      deliveredPerSec: drainPerSec,
      publishPerSec: published.accepted / publishSec,
      publishP50: published.latency.p50,
      publishP99: published.latency.p99,
      peakRssMiB,
      cpuSeconds: deployment.cpuSeconds(),
      complete: complete && published.accepted === events,
      duplicates: d.duplicates,
      target: { text: `RSS ≤ ${TARGETS.backlogPeakRssMiB} MiB`, pass: peakRssMiB <= TARGETS.backlogPeakRssMiB && complete },
      details: [
        `(c) outage: ${fmtInt(outage.refused)} refused attempts; recovery wait (receiver up → first delivery) ` +
          `${d.firstAt > 0 ? ((d.firstAt - recoveredAt) / 1000).toFixed(1) : '–'} s; drain ${drainSec.toFixed(1)} s; ` +
          `peak RSS during outage ${fmtInt(rssDuringOutage)} MiB, overall ${fmtInt(peakRssMiB)} MiB`,
        ...published.errors.map((e) => `(c) publish: ${e}`),
      ],
    };
  } finally {
    await ctx.receiver.setMode('up');
    await deployment.stop();
  }
}
