/** ':memory:' has no file a worker could open: its event log appends on the main thread, same contract. */
import { afterEach, expect, it } from 'vitest';
import { runMigrations } from '../../../src/store/migrate.ts';
import { openEventLog } from '../../../src/store/open-event-log.ts';
import { createSqliteAdapter } from '../../../src/store/sqlite/adapter.ts';
import { AppendWorkerClient } from '../../../src/store/sqlite/append-worker-client.ts';

const adapter = createSqliteAdapter(':memory:');
afterEach(() => adapter.close());

it('appends in process and reads back', async () => {
  expect(adapter.appender).not.toBeInstanceOf(AppendWorkerClient);
  await runMigrations(adapter);
  const log = openEventLog(adapter);
  const ev = (uid: string) => ({ orgId: 'o', uid, classUid: 3002, severityId: 2, time: 5, json: `{"u":"${uid}"}` });
  expect(await log.append([ev('m1'), ev('m2'), ev('m1')], 10)).toEqual({ appended: 2, duplicates: 1, lastSeq: 2 });
  expect((await log.read({ afterSeq: 0, limit: 10 })).map((e) => [e.seq, e.uid, e.json])).toEqual([
    [1, 'm1', '{"u":"m1"}'],
    [2, 'm2', '{"u":"m2"}'],
  ]);
});
