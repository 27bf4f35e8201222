/**
 * PostgreSQL mode (issue 5, `--store postgres`): one workload — D destinations each receiving every event, N
 * events published round-robin to every instance, 4 requests in flight in total — run on the embedded SQLite
 * store with one instance, then on PostgreSQL with 1, 2, 3 … instances sharing one fresh database.
 *
 * Rows: delivered/s is the slowest destination's (as in (b)); the detail lines add all deliveries per second
 * together, the scaling ratio against PostgreSQL with one instance, and the database server's CPU time.
 */
import { runFanOut, type FanOutRun } from './fan-out.ts';
import { fmtInt, type BenchContext, type ScenarioResult } from '../scenario-context.ts';

export interface ScaleOutPlan {
  /** Admin URL used to create (and drop) one database per deployment. */
  postgresAdminUrl: string;
  /** Instance counts to run on PostgreSQL, e.g. [1, 2, 3]. */
  instances: number[];
  destinations: number;
  events: number;
  /** Also run the same workload on SQLite (one instance), first. */
  sqliteBaseline: boolean;
}

interface Config {
  store: 'sqlite' | 'postgres';
  instances: number;
}

export async function scaleOut(ctx: BenchContext, plan: ScaleOutPlan): Promise<ScenarioResult[]> {
  const configs: Config[] = [
    ...(plan.sqliteBaseline ? [{ store: 'sqlite' as const, instances: 1 }] : []),
    ...plan.instances.map((instances) => ({ store: 'postgres' as const, instances })),
  ];
  const runs: { config: Config; run?: FanOutRun; error?: unknown }[] = [];
  for (const config of configs) {
    const name = `${config.store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ×${config.instances}`;
    console.log(`\n(pg) ${name}: ${plan.destinations} destinations, ${fmtInt(plan.events)} events …`);
    try {
      const run = await runFanOut(ctx, plan.destinations, plan.events, `(pg) ${name}`, config.store === 'postgres' ? { postgresAdminUrl: plan.postgresAdminUrl, instances: config.instances } : {});
      console.log(
        `  (pg) ${name}: slowest destination ${fmtInt(run.deliveredPerSec)}/s, all deliveries ${fmtInt(run.aggregatePerSec)}/s, ` +
          `publish ${fmtInt(run.publishPerSec)}/s, CPU ${run.cpuSeconds.toFixed(1)} s` +
          (run.serverCpuSeconds !== undefined ? ` + database server ${run.serverCpuSeconds.toFixed(1)} s` : '') +
          (run.complete ? '' : ' INCOMPLETE'),
      );
      runs.push({ config, run });
    } catch (err) {
      console.log(`  (pg) ${name}: ERROR ${(err as Error).message}`);
      runs.push({ config, error: err });
    }
  }

  const pgOne = runs.find((r) => r.config.store === 'postgres' && r.config.instances === 1)?.run;
  return runs.map(({ config, run, error }) => {
    const label = `(pg) ${config.store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ×${config.instances}, ${plan.destinations} dest.`;
    if (!run) {
      const message = (error as Error)?.message ?? String(error);
      return {
        key: 'pg',
        label,
        events: plan.events,
        runs: 0,
        deliveredPerSec: Number.NaN,
        peakRssMiB: Number.NaN,
        cpuSeconds: Number.NaN,
        complete: false,
        duplicates: 0,
        details: [`${label}: ERROR ${message.split('\n').slice(0, 4).join(' | ')}`],
        error: message,
      };
    }
    const scaling = config.store === 'postgres' && pgOne && pgOne.aggregatePerSec > 0 ? ` = ${(run.aggregatePerSec / pgOne.aggregatePerSec).toFixed(2)}× PostgreSQL ×1` : '';
    return {
      key: 'pg',
      label,
      events: plan.events,
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
      details: [
        `${label}: all ${plan.destinations} destinations together ${fmtInt(run.aggregatePerSec)} deliveries/s${scaling}; ` +
          `instances' CPU ${run.cpuSeconds.toFixed(1)} s` +
          (run.serverCpuSeconds !== undefined ? `, database server CPU ${run.serverCpuSeconds.toFixed(1)} s` : '') +
          `; duplicates ${fmtInt(run.duplicates)}`,
        ...run.notes.map((n) => `${label}: ${n}`),
      ],
    };
  });
}
