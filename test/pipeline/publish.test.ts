/**
 * Publisher.publishBody on the SQLite file store: a body is parsed in the append worker while the worker has a
 * small backlog, on the main thread (then appended with append()) beyond it unless the main thread is the busier
 * one. Either way the outcome is the same: accepted, rejected with request positions, duplicates, and the stored
 * events.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventLog } from '../../src/store/event-log.ts';
import { createMetrics } from '../../src/pipeline/metrics.ts';
import { Publisher, type AppendedNotice } from '../../src/pipeline/publish.ts';
import { runMigrations } from '../../src/store/migrate.ts';
import { openEventLog } from '../../src/store/open-event-log.ts';
import { authenticationEvent } from '../fixtures/events.ts';
import { sqliteBackend, type TestStore } from '../helpers/stores.ts';

const ORG = '00000000-0000-4000-8000-0000000000aa';

describe('Publisher.publishBody: where a body is parsed', () => {
  let store: TestStore;
  let log: EventLog;
  let publisher: Publisher;
  /** The main thread's load as the Publisher sees it (its real event-loop utilisation would make this flaky). */
  let mainLoad = 0;
  beforeEach(async () => {
    store = await sqliteBackend.open();
    await runMigrations(store.adapter);
    log = openEventLog(store.adapter);
    mainLoad = 0;
    publisher = new Publisher({ eventLog: log, metrics: createMetrics(), mainThreadLoad: () => mainLoad });
  });
  afterEach(async () => {
    publisher.close();
    await store.dispose();
  });

  /** Three valid events, one invalid (no class_uid), and a repeat of the first uid. */
  function body(): { text: string; uids: string[] } {
    // With tenant_uid the text is stored as sent; the third has none, so siemstream splices it in.
    const events = [0, 1, 2].map((i) =>
      authenticationEvent({ metadata: { ...authenticationEvent().metadata, uid: randomUUID(), ...(i < 2 && { tenant_uid: ORG }) } }, i),
    );
    const invalid = { ...authenticationEvent(), class_uid: undefined };
    return { text: JSON.stringify([events[0], invalid, events[1], events[2], events[0]]), uids: events.map((e) => e.metadata.uid) };
  }

  async function publishWithBacklog(backlog: number, load: number) {
    expect(log.publishBody).toBeTypeOf('function'); // a file database: the append worker prepares bodies
    vi.spyOn(log, 'writerBacklog').mockReturnValue(backlog);
    mainLoad = load;
    const viaWorker = vi.spyOn(log, 'publishBody' as 'append');
    const viaAppend = vi.spyOn(log, 'append');
    const notices: AppendedNotice[] = [];
    publisher.events.on('appended', (n) => notices.push(n));
    const { text, uids } = body();
    const result = await publisher.publishBody(text, 'json', { orgId: ORG });
    const stored = await log.read({ afterSeq: 0, limit: 100, orgId: ORG });
    return { result, uids, stored, notices, worker: viaWorker.mock.calls.length, append: viaAppend.mock.calls.length };
  }

  it.each([
    { backlog: 0, load: 0, where: 'the append worker', worker: 1, append: 0 },
    { backlog: 5, load: 0.5, where: 'the main thread', worker: 0, append: 1 },
    { backlog: 5, load: 0.95, where: 'the append worker', worker: 1, append: 0 },
  ])('with a writer backlog of $backlog and the main thread $load busy it parses in $where, with the same outcome', async ({ backlog, load, worker, append }) => {
    const out = await publishWithBacklog(backlog, load);
    expect([out.worker, out.append]).toEqual([worker, append]);
    expect(out.result.accepted).toBe(4);
    expect(out.result.duplicates).toBe(1);
    expect(out.result.rejected).toEqual([{ index: 1, error: expect.stringContaining('class_uid') }]);
    expect(out.stored.map((e) => e.uid)).toEqual(out.uids);
    expect(out.stored.map((e) => JSON.parse(e.json).metadata.uid)).toEqual(out.uids);
    expect(out.notices).toHaveLength(1);
    expect(out.notices[0]!.batch!.events.map((e) => e.uid)).toEqual([...out.uids, out.uids[0]]);
    // Kept as sent: delivery gets the event's bytes (views of the request body, equal to its JSON); not when spliced.
    const events = out.notices[0]!.batch!.events;
    expect(events.map((e) => e.jsonUtf8 !== undefined)).toEqual([true, true, false, true]);
    expect(JSON.parse(events[2]!.json).metadata.tenant_uid).toBe(ORG);
    for (const e of events.filter((e) => e.jsonUtf8)) expect(Buffer.from(e.jsonUtf8!).toString('utf8')).toBe(e.json);
  });

  it.each([0, 5])('with a writer backlog of %i it refuses a body with an element that is not JSON (422) and appends nothing', async (backlog) => {
    vi.spyOn(log, 'writerBacklog').mockReturnValue(backlog);
    const good = JSON.stringify(authenticationEvent({ metadata: { ...authenticationEvent().metadata, uid: randomUUID() } }));
    await expect(publisher.publishBody(`[${good}, {"class_uid": 3002,, }]`, 'json', { orgId: ORG })).rejects.toMatchObject({
      statusCode: 422,
      code: 'SIEM_ERR_VALIDATION',
    });
    expect(await log.head()).toBe(0);
  });
});
