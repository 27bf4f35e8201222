/**
 * LogStream over a real store (SQLite, and PostgreSQL when SIEM_TEST_DATABASE_URL is set) with the shared tail
 * and shared log reads: local appends (with their notices), foreign appends (another instance or process: no
 * notice), appends with duplicates, and a tail too small to hold much — each stream still hands out every event
 * its query selects exactly once, in seq order; and caught-up streams do not read the log at all.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchLimits } from '../../../src/pipeline/delivery/batching.ts';
import { EventTail } from '../../../src/pipeline/delivery/event-tail.ts';
import { LogStream } from '../../../src/pipeline/delivery/log-stream.ts';
import { SharedLogReads } from '../../../src/pipeline/delivery/shared-log-reads.ts';
import type { EventLog, LogQuery, NewEvent } from '../../../src/store/event-log.ts';
import { runMigrations } from '../../../src/store/migrate.ts';
import { openEventLog } from '../../../src/store/open-event-log.ts';
import { storeBackends, type TestStore } from '../../helpers/stores.ts';

let uid = 0;
function newEvents(n: number): NewEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const u = `ls-${++uid}`;
    return { orgId: 'org-1', uid: u, classUid: i % 2 ? 6003 : 3002, severityId: (i % 5) + 1, time: 1_700_000_000_000, json: JSON.stringify({ metadata: { uid: u } }) };
  });
}

const limits = batchLimits(7, { maxEventsPerRequest: 1000, maxRequestBytes: 1_000_000, maxEventBytes: 100_000 });

describe.each(storeBackends)('LogStream with the shared tail and shared reads on $name', (backend) => {
  let store: TestStore;
  let log: EventLog;
  let logReads: number;

  beforeEach(async () => {
    store = await backend.open();
    await runMigrations(store.adapter);
    const real = openEventLog(store.adapter);
    logReads = 0;
    const countedRead: EventLog['read'] = (o) => {
      logReads++;
      return real.read(o);
    };
    log = new Proxy(real, {
      get: (target, key) => {
        if (key === 'read') return countedRead;
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  });
  afterEach(async () => {
    await store.dispose();
  });

  it.each([
    ['a roomy tail', 32 * 1024 * 1024],
    ['a tail of a few events', 600],
  ])('hands out every selected event once, in order, through gaps and duplicates (%s)', async (_name, tailBytes) => {
    const tail = new EventTail(tailBytes);
    const shared = new SharedLogReads(log);
    const queries: LogQuery[] = [{ orgId: 'org-1' }, { orgId: 'org-1' }, { orgId: 'org-1', minSeverity: 3 }];
    const got = queries.map(() => [] as number[]);
    const streams = queries.map(
      (query, i) =>
        new LogStream({
          name: `s${i}`,
          kind: 'live',
          log,
          tail,
          shared,
          query,
          position: 0,
          chunk: 20,
          maxBufferBytes: 1_000_000,
          pollMs: 60_000,
          now: Date.now,
          onCommit: () => {},
          deadLetter: async () => {},
        }),
    );
    const publish = async (events: NewEvent[]) => {
      const now = Date.now();
      const r = await log.append(events, now);
      tail.add({ orgIds: new Set(['org-1']), lastSeq: r.lastSeq, batch: { events, duplicates: r.duplicates, now } });
      for (const s of streams) s.nudge();
    };
    const drain = async () => {
      for (let round = 0; round < 500; round++) {
        let busy = false;
        for (const [i, s] of streams.entries()) {
          if (s.wantsRead(Date.now())) {
            busy = true;
            await s.read();
          }
          for (let b = s.take(Date.now(), limits, 0); b; b = s.take(Date.now(), limits, 0)) {
            busy = true;
            got[i].push(...b.events.map((e) => e.seq));
            await s.finish(b, b.events);
          }
        }
        if (!busy) return;
      }
      throw new Error('streams did not drain');
    };

    await publish(newEvents(40));
    await log.append(newEvents(25), Date.now()); // foreign: no notice
    await publish(newEvents(30));
    await drain();
    const again = newEvents(10);
    await publish(again);
    await publish([...newEvents(12), again[3]]); // a duplicate: the tail cannot tell which got seqs
    await publish(newEvents(33));
    await drain();

    for (const [i, q] of queries.entries()) {
      const truth = await log.read({ ...q, afterSeq: 0, limit: 10_000 });
      expect(got[i]).toEqual(truth.map((e) => e.seq));
      expect(streams[i].committed).toBe(await log.head());
    }

    // Caught up, with contiguous local appends: straight from memory.
    const readsBefore = logReads;
    await publish(newEvents(5));
    await drain();
    const head = await log.head();
    expect(got[0].slice(-5)).toEqual([head - 4, head - 3, head - 2, head - 1, head]);
    if (tailBytes > 100_000) expect(logReads).toBe(readsBefore);
  });
});
