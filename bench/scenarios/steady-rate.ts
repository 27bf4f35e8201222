/**
 * (d) Delivery latency at a steady 5,000 events/s: a rate-limited publisher (one 1,000-event request every
 * 200 ms, latency measured from each request's scheduled time) for `seconds`, one destination.
 * The table shows the whole run; the detail line also gives the steady state without the first 5 s (JIT warm-up,
 * first connections).
 */
import { waitForDelivery } from '../delivery-wait.ts';
import { publishEvents } from '../load-generator.ts';
import { startDeployment } from '../siemstream-deployment.ts';
import { BATCH_SIZE, EVENTS_PER_REQUEST, TARGETS, fmtInt, freshEvents, type BenchContext, type ScenarioResult } from '../scenario-context.ts';

const WARM_UP_SEC = 5;

export async function steadyRate(ctx: BenchContext, seconds: number): Promise<ScenarioResult> {
  const rate = TARGETS.steadyRatePerSec;
  const events = rate * seconds;
  const factory = freshEvents();
  await ctx.receiver.reset(factory.marker, events, ['d0']);
  const deployment = await startDeployment({ label: 'd', keep: ctx.keep, cpuProfDir: ctx.cpuProfDir, nodeOptions: ctx.nodeOptions });
  try {
    await deployment.addSplunkDestination({ name: 'd0', hecBaseUrl: ctx.receiver.baseUrl('d0'), batchSize: BATCH_SIZE, compression: ctx.compression });
    const published = await publishEvents({
      targets: deployment.publishTargets,
      token: deployment.token,
      factory,
      total: events,
      perRequest: EVENTS_PER_REQUEST,
      // Enough in flight that a slow answer never delays the next scheduled request.
      concurrency: 16,
      ratePerSec: rate,
    });
    const { progress, complete } = await waitForDelivery(ctx.receiver, { expected: published.accepted, stallMs: 60_000, label: '(d)' });
    const [all] = await ctx.receiver.latency(published.sentAt, EVENTS_PER_REQUEST);
    const warm = Math.min(events, rate * WARM_UP_SEC);
    const [steady] = await ctx.receiver.latency(published.sentAt, EVENTS_PER_REQUEST, { fromSeq: warm, toSeq: events });
    const d = progress.destinations[0]!;
    const achieved = d.lastAt > 0 ? d.unique / ((d.lastAt - published.startedAt) / 1000) : 0;
    return {
      key: 'd',
      label: `(d) steady ${fmtInt(rate)}/s for ${seconds} s`,
      events,
      runs: 1,
      deliveredPerSec: achieved,
      publishPerSec: published.accepted / ((published.finishedAt - published.startedAt) / 1000),
      publishP50: published.latency.p50,
      publishP99: published.latency.p99,
      deliveryP50: all!.p50,
      deliveryP99: all!.p99,
      peakRssMiB: deployment.peakRssMiB(),
      cpuSeconds: deployment.cpuSeconds(),
      complete: complete && published.accepted === events,
      duplicates: d.duplicates,
      target: { text: `p99 ≤ ${fmtInt(TARGETS.steadyP99Ms)} ms`, pass: complete && all!.p99 <= TARGETS.steadyP99Ms },
      details: [
        `(d) delivery latency after the first ${WARM_UP_SEC} s: p50 ${fmtInt(steady!.p50)} ms, p99 ${fmtInt(steady!.p99)} ms, max ${fmtInt(steady!.max)} ms; ` +
          `whole run max ${fmtInt(all!.max)} ms`,
        ...published.errors.map((e) => `(d) publish: ${e}`),
      ],
    };
  } finally {
    await deployment.stop();
  }
}
