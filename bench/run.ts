/**
 * `npm run bench [-- options]`: siemstream end to end (publish API → event log → Splunk HEC delivery) against a
 * local HEC receiver, and syslog-ng's http() destination with a reliable disk buffer as the peer.
 * Method and fairness notes: bench/README.md.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { cpuSteal } from './cpu-steal.ts';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { killAll } from './children.ts';
import { summarizeCpuProfile } from './cpu-profile-summary.ts';
import { startReceiver } from './receiver-client.ts';
import { renderReport } from './report.ts';
import { failedScenario, freshEvents, fmtInt, type BenchContext, type ScenarioResult } from './scenario-context.ts';
import { backlogDrain } from './scenarios/backlog.ts';
import { fourDestinations, oneDestinationRun, oneDestinationSummary, type FanOutRun } from './scenarios/fan-out.ts';
import { scaleOut } from './scenarios/scale-out.ts';
import { steadyRate } from './scenarios/steady-rate.ts';
import { nodeFloorRun, nodeFloorSummary } from './scenarios/node-floor.ts';
import { syslogNgRun, syslogNgSummary, type RelayRun } from './scenarios/syslog-ng-relay.ts';
import { ensureSyslogNg } from './syslog-ng.ts';
import { HarnessCpuLedger, measureHarnessCpu } from './harness-cpu.ts';

const USAGE = `usage: npm run bench -- [options]
  --quick                 smaller run (about 2 minutes): fewer events, one run each
  --only a,b,c,d,sng,floor  scenarios to run (default: all). a: 1 destination, b: 4 destinations,
                          c: 1M backlog drain, d: steady 5,000 events/s, sng: syslog-ng peer,
                          floor: Node.js floor (HTTP in, siemstream's validation, forward; nothing stored)
  --runs N                runs of (a), of syslog-ng and of the floor, medians reported (default 3; --quick 1)
  --events N              events per run of (a) and syslog-ng (default 300000; --quick 50000)
  --fanout-events N       events of (b), each delivered to 4 destinations (default 200000; --quick 25000)
  --backlog N             backlog size of (c) (default 1000000; --quick 100000)
  --steady-seconds N      duration of (d) (default 30; --quick 10)
  --compression none|gzip siemstream's HEC request compression (default none, like syslog-ng 3.38's http())
  --sng-workers N         syslog-ng http() workers (default 4)
  --sng-batch-timeout MS  syslog-ng http() batch-timeout (default 1000, as SIEM_FLUSH_INTERVAL_MS)
  --no-install            do not apt-get install syslog-ng when it is missing
  --cpu-prof              profile the service (node --cpu-prof) and print its top hot spots
  --node-options=FLAGS    node / V8 flags on the service's command line only, e.g. --node-options="--heap-growing-percent=150"
  --keep                  keep data dirs (service logs, databases, syslog-ng buffers)
  --json FILE             also write the results as JSON
PostgreSQL mode (scale-out):
  --store postgres        run the scale-out comparison instead of the scenarios above: the same workload on
                          SQLite (1 instance) and on PostgreSQL with each count of --instances, side by side
  --instances 1,2,3       instance counts sharing one PostgreSQL database (default 1,2,3)
  --pg-url URL            admin URL; one database is created (and dropped) per deployment (default
                          $SIEM_BENCH_DATABASE_URL, else $SIEM_TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres)
  --scale-destinations N  destinations, each receiving every event (default 6: splits evenly over 1, 2, 3 instances)
  --scale-events N        events per deployment (default 200000; --quick 50000)
  --no-sqlite-baseline    skip the SQLite row`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
    events: { type: 'string' },
    'fanout-events': { type: 'string' },
    backlog: { type: 'string' },
    'steady-seconds': { type: 'string' },
    compression: { type: 'string', default: 'none' },
    'sng-workers': { type: 'string', default: '4' },
    'sng-batch-timeout': { type: 'string', default: '1000' },
    'no-install': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'node-options': { type: 'string' },
    json: { type: 'string' },
    store: { type: 'string', default: 'sqlite' },
    instances: { type: 'string', default: '1,2,3' },
    'pg-url': { type: 'string' },
    'scale-destinations': { type: 'string' },
    'scale-events': { type: 'string' },
    'no-sqlite-baseline': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

const ALL = ['a', 'b', 'c', 'd', 'sng', 'floor'];

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) usageError(`--${name} must be a positive integer`);
  return n;
}

function usageError(message: string): never {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<number> {
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const quick = values.quick!;
  if (values.store !== 'sqlite' && values.store !== 'postgres') usageError('--store must be sqlite or postgres');
  const postgresMode = values.store === 'postgres';
  const instanceCounts = values.instances!.split(',').map((n) => positive('instances', n.trim(), 1));
  const scaleDestinations = positive('scale-destinations', values['scale-destinations'], 6);
  const scaleEvents = positive('scale-events', values['scale-events'], quick ? 50_000 : 200_000);
  const postgresAdminUrl = values['pg-url'] ?? process.env.SIEM_BENCH_DATABASE_URL ?? process.env.SIEM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const only = (postgresMode ? '' : (values.only ?? ALL.join(','))).split(',').filter((s) => s.trim() !== '').map((s) => (s.trim() === 'syslog-ng' ? 'sng' : s.trim()));
  const unknown = only.filter((s) => !ALL.includes(s));
  if (unknown.length) usageError(`unknown scenario ${unknown.join(', ')}`);
  if (values.compression !== 'none' && values.compression !== 'gzip') usageError('--compression must be none or gzip');
  const runs = positive('runs', values.runs, quick ? 1 : 3);
  const events = positive('events', values.events, quick ? 50_000 : 300_000);
  const fanoutEvents = positive('fanout-events', values['fanout-events'], quick ? 25_000 : 200_000);
  const backlog = positive('backlog', values.backlog, quick ? 100_000 : 1_000_000);
  const steadySeconds = positive('steady-seconds', values['steady-seconds'], quick ? 10 : 30);
  const sngOptions = { workers: positive('sng-workers', values['sng-workers'], 4), batchTimeoutMs: positive('sng-batch-timeout', values['sng-batch-timeout'], 1000) };

  const cpuProfDir = values['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'siemstream-bench-profiles-')) : undefined;
  const started = Date.now();
  const loadAtStart = loadavg();
  const steal = cpuSteal();
  const notes: string[] = [];

  let sngVersion: string | undefined;
  if (only.includes('sng')) {
    const availability = ensureSyslogNg(!values['no-install']);
    if (availability.ok) sngVersion = availability.version;
    else notes.push(`syslog-ng comparison SKIPPED: ${availability.reason}`);
    if (!availability.ok) console.log(`bench: syslog-ng comparison skipped: ${availability.reason}`);
  }

  const receiver = await startReceiver();
  const ctx: BenchContext = {
    receiver,
    keep: values.keep!,
    cpuProfDir,
    compression: values.compression as 'none' | 'gzip',
    nodeOptions: values['node-options'],
  };
  const results: ScenarioResult[] = [];
  const harness = new HarnessCpuLedger();
  const measured = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const { value, cpu } = await measureHarnessCpu(receiver.pid, fn);
    harness.add(key, cpu);
    return value;
  };
  const attempt = async (key: string, label: string, n: number, run: () => Promise<ScenarioResult>) => {
    console.log(`\n${label} …`);
    try {
      results.push(await measured(key, run));
    } catch (err) {
      console.log(`  ${label}: ERROR ${(err as Error).message}`);
      results.push(failedScenario(key, label, n, err));
    }
  };

  try {
    // (a), syslog-ng and the floor alternate run by run, so all see the same machine load (the box is shared).
    if (only.includes('a') || sngVersion || only.includes('floor')) {
      const aRuns: FanOutRun[] = [];
      const sRuns: RelayRun[] = [];
      const fRuns: RelayRun[] = [];
      let aError: unknown;
      let sError: unknown;
      let fError: unknown;
      for (let r = 1; r <= runs; r++) {
        if (only.includes('a') && !aError) {
          console.log(`\n(a) one destination, ${fmtInt(events)} events, run ${r}/${runs} …`);
          await measured('a', () => oneDestinationRun(ctx, events, r, runs)).then((x) => aRuns.push(x), (err) => (aError = err));
        }
        if (sngVersion && !sError) {
          console.log(`\nsyslog-ng ${sngVersion} http() with reliable disk buffer, ${fmtInt(events)} events, run ${r}/${runs} …`);
          await measured('sng', () => syslogNgRun(ctx, events, sngOptions, r, runs)).then((x) => sRuns.push(x), (err) => (sError = err));
        }
        if (only.includes('floor') && !fError) {
          console.log(`\nNode.js floor (validate + forward, nothing stored), ${fmtInt(events)} events, run ${r}/${runs} …`);
          await measured('floor', () => nodeFloorRun(ctx, events, r, runs)).then((x) => fRuns.push(x), (err) => (fError = err));
        }
      }
      if (only.includes('a')) results.push(aError ? failedScenario('a', '(a) 1 destination', events, aError) : oneDestinationSummary(events, aRuns));
      if (sngVersion) results.push(sError ? failedScenario('sng', `syslog-ng ${sngVersion} http()`, events, sError) : syslogNgSummary(events, sRuns, sngOptions, sngVersion));
      if (only.includes('floor')) results.push(fError ? failedScenario('floor', 'Node.js floor', events, fError) : nodeFloorSummary(events, fRuns));
    }
    if (only.includes('b')) await attempt('b', '(b) 4 destinations', fanoutEvents, () => fourDestinations(ctx, fanoutEvents));
    if (only.includes('c')) await attempt('c', `(c) ${fmtInt(backlog)}-event backlog`, backlog, () => backlogDrain(ctx, backlog));
    if (only.includes('d')) await attempt('d', `(d) steady 5,000 events/s for ${steadySeconds} s`, 5000 * steadySeconds, () => steadyRate(ctx, steadySeconds));
    if (postgresMode) {
      const plan = { postgresAdminUrl, instances: instanceCounts, destinations: scaleDestinations, events: scaleEvents, sqliteBaseline: !values['no-sqlite-baseline'] };
      results.push(...(await measured('pg', () => scaleOut(ctx, plan))));
    }
  } finally {
    await receiver.stop();
  }

  const order = ['a', 'b', 'c', 'd', 'sng', 'floor', 'pg'];
  results.sort((x, y) => order.indexOf(x.key) - order.indexOf(y.key));
  const header = [
    `siemstream benchmark — ${new Date(started).toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s${quick ? ', --quick' : ''}`,
    `machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, load average at start ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}, ` +
      `at end ${loadavg().map((l) => l.toFixed(1)).join(' ')}${stealNote(steal.percent())} (shared machine: other processes compete for the cores)`,
    (postgresMode
      ? `siemstream: PostgreSQL mode — ${scaleDestinations} destinations each receiving every event; SQLite ×1 vs PostgreSQL ×${instanceCounts.join('/')} ` +
        `(instances share one fresh database; publishing round-robin over them, 4 requests in flight in total; SIEM_DB_POOL_SIZE default 10), node ${process.version}; `
      : `siemstream: embedded SQLite store, 1 instance, node ${process.version}; `) +
      `splunk_hec destinations, batch_size 1000, compression ${ctx.compression}; ` +
      `events ~${freshEvents().averageBytes} B OCSF JSON, published 1,000 per request, 4 requests in flight` +
      (ctx.nodeOptions ? `; service node flags ${ctx.nodeOptions}` : ''),
    `delivered/s = unique events at the receiver ÷ (last receipt − first publish); latencies from the publish request's start (scheduled start in (d))`,
  ];
  const harnessLine = harness.line();
  if (harnessLine) notes.push(harnessLine);
  console.log(`\n${renderReport({ lines: header }, results, notes)}`);

  if (cpuProfDir) {
    const profiles = (readdirSync(cpuProfDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.cpuprofile')).sort();
    console.log(`\nCPU profiles in ${cpuProfDir}:`);
    for (const f of profiles) console.log(`\n${summarizeCpuProfile(join(cpuProfDir, f), 15)}`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ started: new Date(started).toISOString(), loadAtStart, results, notes }, null, 2));
  return 0;
}

main()
  .then((code) => {
    killAll();
    process.exit(code);
  })
  .catch((err) => {
    console.error(`bench: ${(err as Error).stack ?? String(err)}`);
    killAll();
    process.exit(1);
  });

/** The VM's CPU steal over the whole bench, when known. */
function stealNote(percent: number | undefined): string {
  return percent === undefined ? '' : `, CPU steal ${percent.toFixed(1)}% (the host ran other work on these cores)`;
}
