/**
 * Log reads shared between streams of the same query (shared-log-reads.ts): each reader gets exactly the log's
 * events of the range it is told was scanned — whatever the interleaving of readers, appends and concurrent
 * reads — while readers of one query read each range from the log once between them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SharedLogReads } from '../../../src/pipeline/delivery/shared-log-reads.ts';
import type { EventLog, LogQuery, ReadOptions, StoredEvent } from '../../../src/store/event-log.ts';

/** The log's read contract in memory; every read answers on a later tick, so reads really overlap. */
class MemoryLog {
  readonly rows: StoredEvent[] = [];
  reads = 0;

  append(n: number, org = 'org-a', severityId = 2): void {
    for (let i = 0; i < n; i++) {
      const seq = this.rows.length + 1;
      this.rows.push({ seq, orgId: org, uid: `u${seq}`, classUid: 3002, severityId, time: 0, publishedAt: 0, json: `{"n":${seq}}` });
    }
  }

  get head(): number {
    return this.rows.length;
  }

  matching(q: LogQuery, afterSeq: number, toSeq: number): StoredEvent[] {
    return this.rows.filter(
      (r) => r.seq > afterSeq && r.seq <= toSeq && (q.orgId === undefined || r.orgId === q.orgId) && (q.minSeverity == null || r.severityId >= q.minSeverity),
    );
  }

  asEventLog(): EventLog {
    return {
      read: async (o: ReadOptions) => {
        this.reads++;
        const rows = this.matching(o, o.afterSeq, Math.min(o.toSeq ?? this.head, this.head)).slice(0, o.limit);
        await new Promise((r) => setImmediate(r));
        return rows;
      },
      head: async () => this.head,
    } as unknown as EventLog;
  }
}

const seqs = (events: readonly StoredEvent[]) => events.map((e) => e.seq);

describe('SharedLogReads', () => {
  it('reads a range once for all readers of the same query', async () => {
    const log = new MemoryLog();
    log.append(100);
    const shared = new SharedLogReads(log.asEventLog());
    const readers = [shared.attach({ orgId: 'org-a' }), shared.attach({ orgId: 'org-a' }), shared.attach({ orgId: 'org-a' })];
    const results = await Promise.all(readers.map((r) => r.read(0, 100, 40)));
    for (const r of results) {
      expect(seqs(r.events)).toEqual(seqs(log.rows.slice(0, 40)));
      expect(r.scannedTo).toBe(40);
      expect(r.sizes).toEqual(r.events.map((e) => Buffer.byteLength(e.json)));
    }
    expect(log.reads).toBe(1);
    // Readers a little apart still share: the window holds what the first one read.
    const [a, b] = await Promise.all([readers[0].read(40, 100, 40), readers[1].read(20, 100, 40)]);
    expect(seqs(a.events)).toEqual(seqs(log.rows.slice(40, 80)));
    expect(seqs(b.events)).toEqual(seqs(log.rows.slice(20, 60)));
    expect(log.reads).toBe(2);
  });

  it('lets a lone reader read the log directly and keeps no window for it', async () => {
    const log = new MemoryLog();
    log.append(10);
    const shared = new SharedLogReads(log.asEventLog());
    const only = shared.attach({});
    expect(seqs((await only.read(0, 10, 100)).events)).toEqual(seqs(log.rows));
    expect(shared.windows).toBe(0);
    const other = shared.attach({});
    await other.read(0, 10, 100);
    expect(shared.windows).toBe(1);
    other.release();
    expect(shared.windows).toBe(0);
  });

  it('keeps queries apart and sends a reader behind the window to the log', async () => {
    const log = new MemoryLog();
    log.append(30, 'org-a');
    log.append(30, 'org-b');
    const shared = new SharedLogReads(log.asEventLog());
    const [a1, a2, b1, b2] = [shared.attach({ orgId: 'org-a' }), shared.attach({ orgId: 'org-a' }), shared.attach({ orgId: 'org-b' }), shared.attach({ orgId: 'org-b' })];
    expect(seqs((await b1.read(0, 60, 100)).events)).toEqual(seqs(log.rows.slice(30)));
    expect((await a1.read(50, 60, 100)).events).toEqual([]);
    // a2 is behind org-a's window (which moved forward to a1's position): a read of its own, still exact.
    expect(seqs((await a2.read(0, 60, 100)).events)).toEqual(seqs(log.rows.slice(0, 30)));
    expect(seqs((await b2.read(10, 60, 5)).events)).toEqual([31, 32, 33, 34, 35]);
  });

  it('property: every answer is exactly the log’s matching events of the range it claims, in order', async () => {
    type Step = { kind: 'append'; n: number; org: number; sev: number } | { kind: 'reads'; who: number[]; limit: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), n: fc.integer({ min: 1, max: 40 }), org: fc.nat(1), sev: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant('reads' as const), who: fc.uniqueArray(fc.nat(4), { minLength: 1, maxLength: 5 }), limit: fc.integer({ min: 1, max: 30 }) }),
    );
    const queries: LogQuery[] = [{ orgId: 'org-a' }, { orgId: 'org-a' }, { orgId: 'org-a' }, { orgId: 'org-b', minSeverity: 3 }, { orgId: 'org-b', minSeverity: 3 }];
    let shortcuts = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 60 }), fc.integer({ min: 200, max: 20_000 }), async (steps, maxWindowBytes) => {
        const log = new MemoryLog();
        const shared = new SharedLogReads(log.asEventLog(), maxWindowBytes);
        const readers = queries.map((q) => shared.attach(q));
        const positions = queries.map(() => 0);
        let reads = 0;
        for (const s of steps) {
          if (s.kind === 'append') {
            log.append(s.n, s.org ? 'org-b' : 'org-a', s.sev);
            continue;
          }
          const head = log.head;
          // Readers of the step read at the same time (overlapping log reads and window extensions).
          await Promise.all(
            s.who.map(async (i) => {
              if (positions[i] >= head) return;
              reads++;
              const got = await readers[i].read(positions[i], head, s.limit);
              expect(got.scannedTo).toBeGreaterThan(positions[i]);
              expect(got.scannedTo).toBeLessThanOrEqual(head);
              expect(seqs(got.events)).toEqual(seqs(log.matching(queries[i], positions[i], got.scannedTo)));
              positions[i] = got.scannedTo;
            }),
          );
        }
        shortcuts += reads - log.reads;
      }),
      { numRuns: 200 },
    );
    // Sharing really happened along the way (fewer log reads than reads).
    expect(shortcuts).toBeGreaterThan(100);
  });
});
