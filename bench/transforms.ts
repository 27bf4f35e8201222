/**
 * Micro-benchmark of compiled field transforms (src/transforms) on the benchmark's own ~1.1 KiB OCSF events, as
 * delivery would call them: the event's UTF-8 bytes in, bytes out. Each case runs alternately with a baseline
 * that only touches the same bytes, so both see the same machine load; the table shows medians per case.
 *
 *   npx tsx bench/transforms.ts [--runs 5] [--events 2000] [--rounds 20] [--reference-us 30]
 *
 * --reference-us: the CPU µs per event of a full-pipeline run (scenario (a), "CPU µs/event" in its table) to
 * express each case as a share of it.
 */
import { parseArgs } from 'node:util';
import { compileTransforms, type TransformList } from '../src/transforms/index.ts';
import { createEventFactory } from './bench-events.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    events: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '20' },
    'reference-us': { type: 'string' },
  },
});
const runs = Math.max(3, Number(values.runs));
const rounds = Number(values.rounds);
const referenceUs = values['reference-us'] === undefined ? undefined : Number(values['reference-us']);

const factory = createEventFactory('tx', 'org-bench');
// Flat buffers, as an event kept from its publish request's body is.
const events = Array.from({ length: Number(values.events) }, (_, i) => Buffer.from(factory.event(i, 1_718_020_800_000 + i)));

const KEY = 'bench-organisation-hash-key-0123456789';
const CASES: Record<string, TransformList> = {
  '1 rule (drop user.email_addr)': [{ op: 'drop', path: 'user.email_addr' }],
  '5 rules': [
    { op: 'drop', path: 'user.email_addr' },
    { op: 'redact', path: 'user.name' },
    { op: 'hash', path: 'user.uid' },
    { op: 'truncate_ip', path: 'src_endpoint.ip' },
    { op: 'drop', path: 'http_request.user_agent' },
  ],
  'keep_only (6 paths)': [{ op: 'keep_only', paths: ['user.uid', 'src_endpoint', 'service', 'api', 'actor.user.uid', 'status_id'] }],
};

function baseline(): number {
  let sink = 0;
  for (const e of events) sink += e[e.length >> 1]! + e.length;
  return sink;
}

function timeNsPerEvent(fn: () => number): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) sink += fn();
  const ns = Number(process.hrtime.bigint() - start) / (rounds * events.length);
  if (sink === -1) console.log('');
  return ns;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const results: string[][] = [];
for (const [name, list] of Object.entries(CASES)) {
  const t = compileTransforms(list, { orgHashKey: KEY })!;
  const apply = () => {
    let sink = 0;
    for (const e of events) sink += t.utf8(e).length;
    return sink;
  };
  apply(); // warm up
  const base: number[] = [];
  const with_: number[] = [];
  for (let r = 0; r < runs; r++) {
    base.push(timeNsPerEvent(baseline));
    with_.push(timeNsPerEvent(apply));
  }
  const cost = (median(with_) - median(base)) / 1000;
  results.push([name, (median(base) / 1000).toFixed(2), (median(with_) / 1000).toFixed(2), cost.toFixed(2), referenceUs ? `${((100 * cost) / referenceUs).toFixed(1)} %` : '—']);
}

const avgBytes = Math.round(events.reduce((n, e) => n + e.length, 0) / events.length);
console.log(`${events.length} events of ~${avgBytes} bytes, ${rounds} rounds per run, medians of ${runs} alternating runs`);
console.log('| case | baseline µs/event | with transforms µs/event | cost µs/event | of reference CPU/event |');
console.log('|---|---|---|---|---|');
for (const row of results) console.log(`| ${row.join(' | ')} |`);
