/**
 * Append throughput of the event log: 1 KB events in batches of 1000, per backend (not a test).
 *   npx tsx bench/event-log.ts                 SQLite (temp file, WAL, synchronous=FULL)
 *   SIEM_TEST_DATABASE_URL=postgres://… npx tsx bench/event-log.ts   also PostgreSQL (private schema, dropped)
 * Options: BENCH_BATCHES (default 100), BENCH_BATCH_SIZE (1000), BENCH_APPENDERS (PostgreSQL concurrency, 1),
 *   BENCH_UIDS = v4 (random, as clients may send; default) | v7 (time-ordered, as siemstream assigns).
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../src/store/event-log.ts';
import { uuidV7 } from '../src/intake/uuid-v7.ts';
import { runMigrations } from '../src/store/migrate.ts';
import { openEventLog } from '../src/store/open-event-log.ts';
import { postgresBackend, postgresUrl, sqliteBackend, type StoreBackend } from '../test/helpers/stores.ts';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 1000);
const APPENDERS = Number(process.env.BENCH_APPENDERS ?? 1);
const UIDS = process.env.BENCH_UIDS === 'v7' ? 'v7' : 'v4';
const newUid = UIDS === 'v7' ? () => uuidV7(Date.now()) : randomUUID;

/** A realistic ~1 KB OCSF Authentication event. */
function event(i: number): NewEvent {
  const uid = newUid();
  const ocsf = {
    class_uid: 3002, category_uid: 3, activity_id: 1, type_uid: 300201, severity_id: 1, status_id: 1,
    time: 1_700_000_000_000 + i, message: 'User logged in',
    metadata: { uid, version: '1.8.0', product: { name: 'AuthOS', vendor_name: 'siemstream' }, tenant_uid: `org-${i % 10}` },
    user: { uid: `user-${i % 5000}`, name: `user${i % 5000}@example.com`, type_id: 1 },
    src_endpoint: { ip: `10.0.${(i >> 8) & 255}.${i & 255}` },
    http_request: { user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36' },
    unmapped: { padding: '' },
  };
  const base = JSON.stringify(ocsf).length;
  ocsf.unmapped.padding = 'x'.repeat(Math.max(0, 1024 - base));
  return { orgId: `org-${i % 10}`, uid, classUid: 3002, severityId: 1, time: ocsf.time, json: JSON.stringify(ocsf) };
}

async function bench(backend: StoreBackend): Promise<void> {
  const store = await backend.open();
  try {
    await runMigrations(store.adapter);
    const log = openEventLog(store.adapter);
    const batches = Array.from({ length: BATCHES }, (_, b) => Array.from({ length: BATCH_SIZE }, (_, i) => event(b * BATCH_SIZE + i)));
    await log.append([event(-1)], Date.now()); // warm-up: statements prepared, connection open
    const appenders = backend.name === 'postgres' ? APPENDERS : 1;
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    let next = 0;
    await Promise.all(
      Array.from({ length: appenders }, async () => {
        while (next < batches.length) await log.append(batches[next++], Date.now());
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const events = BATCHES * BATCH_SIZE;
    const perBatchMs = (seconds * 1000) / BATCHES;
    console.log(
      `${backend.name}: ${events} events of ${batches[0][0].json.length} B in batches of ${BATCH_SIZE}` +
        `${appenders > 1 ? ` (${appenders} concurrent appenders)` : ''}: ${Math.round(events / seconds)} events/s, ${perBatchMs.toFixed(1)} ms per batch, ` +
        `${Math.round(events / cpuSeconds)} events per CPU-second of this process (${UIDS} uids)`,
    );
  } finally {
    await store.dispose();
  }
}

await bench(sqliteBackend);
if (postgresUrl) await bench(postgresBackend);
else console.log('postgres: skipped (set SIEM_TEST_DATABASE_URL)');
