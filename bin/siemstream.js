#!/usr/bin/env -S node --single-threaded-gc
// The CLI entry (`npx siemstream …`, `npm start`): runs the compiled service (dist/, scripts/build.js), compiling
// it first when the sources changed. If it cannot be built (e.g. a read-only install), the TypeScript sources
// run through tsx instead: slower to start and ~35 MB more memory, same behaviour.
import { setFlagsFromString } from 'node:v8';
import { ENTRY, ensureBuilt } from '../scripts/build.js';

// --single-threaded-gc (in the shebang and `npm start`; V8 refuses it in NODE_OPTIONS and after start-up): V8's
// parallel and concurrent GC helpers are four extra threads competing for the cores the main thread and the
// append worker already keep busy. `npm run bench` (a), alternating runs on the 2-core machine: 44.9k/53.9k/51.1k
// delivered/s and 31.4/27.0/27.4 CPU µs per event with it, 43.7k/48.1k/49.1k and 31.9/30.1/28.5 without.
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
