#!/usr/bin/env node
// The CLI entry (`npx siemstream …`, `npm start`): runs the compiled service (dist/, scripts/build.js), compiling
// it first when the sources changed. If it cannot be built (e.g. a read-only install), the TypeScript sources
// run through tsx instead: slower to start and ~35 MB more memory, same behaviour.
import { setFlagsFromString } from 'node:v8';
import { ENTRY, ensureBuilt } from '../scripts/build.js';

// Not --single-threaded-gc: it measured ~10% more throughput in `npm run bench` (a) (V8's four GC helper threads
// compete for the two cores the main thread and the append worker keep busy), but without concurrent marking the
// main thread's heap overshoots while a 1M-event backlog drains: (c) peak RSS 301/312 MiB against 293/282 without
// (alternating runs, 2026-11-21), over the 300 MB bound.
// The service's heap: V8 lets the old generation grow to several times what is live before collecting it, and
// the publish/delivery churn (request texts, delivery's in-memory tail) then shows up as resident memory. A
// growing factor of 1.75 collects sooner: the bench's 1M-event backlog peaked at ~266 MiB with it, ~367 MiB
// without; 1.5 saves ~10 MiB more for ~5% more CPU, 2.0 costs ~20 MiB. It applies to every heap of the process
// (the append worker's too). Set at start-up, before anything is allocated; NODE_OPTIONS with a heap flag of
// your own (--max-old-space-size …) wins.
const HEAP_GROWING_PERCENT = 75;
const userHeapFlags = /--(heap-growing-percent|max-old-space-size|max-heap-size)\b/;
if (process.argv[2] === undefined || process.argv[2] === 'serve') {
  if (!userHeapFlags.test(`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`)) {
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  }
}

let compiled = true;
try {
  await ensureBuilt();
} catch (err) {
  compiled = false;
  console.error(`siemstream: running from the TypeScript sources (building dist/ failed: ${err instanceof Error ? err.message : err})`);
}
if (compiled) {
  await import(ENTRY);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
