/**
 * The shared in-memory tail (event-tail.ts) against a model of the log: whatever mix of local appends, foreign
 * appends (another instance or process: no notice here), appends with duplicates and notices arriving late, a
 * read the tail answers holds exactly the log's matching events of the range it claims, in seq order — never a
 * skipped, reordered or invented event — and the tail stays within its memory bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVE_READER_MS, EventTail, type TailQuery } from '../../../src/pipeline/delivery/event-tail.ts';
import type { NewEvent, StoredEvent } from '../../../src/store/event-log.ts';
import { KeptStoredEvent } from '../../../src/store/kept-event.ts';
import type { AppendedNotice } from '../../../src/pipeline/publish.ts';

let uid = 0;
function newEvent(over: Partial<NewEvent> = {}): NewEvent {
  const u = `u-${++uid}`;
  return { orgId: 'org-a', uid: u, classUid: 3002, severityId: 2, time: 1_700_000_000_000, json: `{"metadata":{"uid":"${u}"}}`, ...over };
}

/** The log as the backends keep it: dense seqs from the head, published_at = max(previous, now). */
class ModelLog {
  readonly rows: StoredEvent[] = [];
  private lastPublishedAt = 0;

  get head(): number {
    return this.rows.length;
  }

  /** Appends the fresh events; returns the notice the Publisher would emit. */
  append(events: NewEvent[], duplicates: number, now: number): AppendedNotice {
    const fresh = events.slice(duplicates);
    this.lastPublishedAt = Math.max(this.lastPublishedAt, now);
    for (const e of fresh) this.rows.push({ ...e, seq: this.rows.length + 1, publishedAt: this.lastPublishedAt });
    return { orgIds: new Set(events.map((e) => e.orgId)), lastSeq: this.head, batch: { events, duplicates, now } };
  }

  matching(afterSeq: number, toSeq: number, q: TailQuery): StoredEvent[] {
    return this.rows.filter(
      (r) =>
        r.seq > afterSeq &&
        r.seq <= toSeq &&
        (q.orgId === undefined || r.orgId === q.orgId) &&
        (!q.classUids || q.classUids.includes(r.classUid)) &&
        (q.minSeverity == null || r.severityId >= q.minSeverity),
    );
  }
}

const seqs = (events: readonly StoredEvent[]) => events.map((e) => e.seq);

describe('EventTail', () => {
  it('keeps events that carry their bytes as bytes: the text decoded only when read, the same as the log would give', () => {
    const log = new ModelLog();
    const tail = new EventTail();
    const kept = newEvent({ json: '{"city":"São Paulo","metadata":{"uid":"k"}}' });
    const body = Buffer.from(`[${kept.json}]`);
    kept.jsonUtf8 = body.subarray(1, body.length - 1);
    tail.add(log.append([kept, newEvent()], 0, 1000));
    const [fromBytes, plain] = tail.read(0, Infinity, {}, 100)!.events;
    expect(fromBytes).toBeInstanceOf(KeptStoredEvent);
    expect(plain).not.toBeInstanceOf(KeptStoredEvent);
    expect(fromBytes!.jsonUtf8!.buffer).toBe(body.buffer);
    const { jsonUtf8: _, ...row } = log.rows[0]!;
    expect(JSON.parse(JSON.stringify(fromBytes))).toEqual(row);
    expect({ seq: fromBytes!.seq, json: fromBytes!.json, publishedAt: fromBytes!.publishedAt }).toEqual({ seq: 1, json: kept.json, publishedAt: 1000 });
    expect(tail.bytes).toBeGreaterThanOrEqual(kept.jsonUtf8.length);
  });

  it('serves contiguous local appends from memory, with the log’s seqs, fields and publish times', () => {
    const log = new ModelLog();
    const tail = new EventTail();
    const reader = {};
    tail.add(log.append([newEvent(), newEvent()], 0, 1000));
    expect(tail.read(0, 0, {}, 100, reader)).toBeUndefined(); // a stream at 0: the tail keeps what follows
    tail.add(log.append([newEvent(), newEvent({ severityId: 5 })], 0, 900)); // clock stepped back: clamped like the log
    const read = tail.read(0, Infinity, {}, 100)!;
    expect(read.events).toEqual(log.rows);
    expect(read.events.map((e) => e.publishedAt)).toEqual([1000, 1000, 1000, 1000]);
    expect(read.sizes).toEqual(log.rows.map((r) => Buffer.byteLength(r.json)));
    expect(read.scannedTo).toBe(4);
    // Filters as in SQL; the scanned range still reaches the end.
    expect(tail.read(1, Infinity, { minSeverity: 4 }, 100)).toMatchObject({ scannedTo: 4 });
    expect(seqs(tail.read(1, Infinity, { minSeverity: 4 }, 100)!.events)).toEqual([4]);
    expect(tail.read(0, Infinity, { classUids: [] }, 100)).toEqual({ events: [], sizes: [], scannedTo: 4 });
    // A full `limit` scanned only up to its last event.
    expect(tail.read(0, Infinity, {}, 3)).toMatchObject({ scannedTo: 3 });
    // Nothing after the tail's end: the log decides.
    expect(tail.read(4, Infinity, {}, 100)).toBeUndefined();
  });

  it('falls back to the log for a foreign append: restarts after the gap, never serves across it', () => {
    const log = new ModelLog();
    const tail = new EventTail();
    tail.add(log.append([newEvent(), newEvent()], 0, 1)); // seqs 1-2
    log.append([newEvent(), newEvent()], 0, 2); // another instance: seqs 3-4, no notice here
    tail.add(log.append([newEvent()], 0, 3)); // seq 5
    expect(tail.start).toBe(4);
    expect(tail.read(2, Infinity, {}, 100)).toBeUndefined();
    expect(tail.read(0, Infinity, {}, 100)).toBeUndefined();
    expect(seqs(tail.read(4, Infinity, {}, 100)!.events)).toEqual([5]);
  });

  it('does not guess which events of an append with duplicates got seqs: empty at its last seq', () => {
    const log = new ModelLog();
    const tail = new EventTail();
    tail.add(log.append([newEvent()], 0, 1));
    tail.add(log.append([newEvent(), newEvent(), newEvent()], 1, 2)); // seqs 2-3
    expect([tail.start, tail.end, tail.length]).toEqual([3, 3, 0]);
    expect(tail.read(1, Infinity, {}, 100)).toBeUndefined();
    tail.add(log.append([newEvent()], 0, 3));
    expect(tail.read(3, Infinity, {}, 100)!.events).toEqual([log.rows[3]]);
  });

  it('bounds its memory: the oldest events go, and a reader behind them is sent to the log', () => {
    const log = new ModelLog();
    const tail = new EventTail(20_000);
    const reader = {};
    tail.add(log.append([newEvent()], 0, 0));
    tail.read(0, 1, {}, 1, reader); // a stream at 0 would keep everything, but for the bound
    for (let i = 0; i < 99; i++) {
      tail.add(log.append(Array.from({ length: 10 }, () => newEvent()), 0, i));
      expect(tail.bytes).toBeLessThanOrEqual(20_000);
    }
    expect(tail.end).toBe(991);
    // ~190 bytes an event here (JSON + per-event overhead): about a hundred fit.
    expect(tail.start!).toBeGreaterThan(850);
    expect(tail.length).toBe(tail.end! - tail.start!);
    expect(tail.read(0, Infinity, {}, 10_000)).toBeUndefined();
    expect(seqs(tail.read(tail.start!, Infinity, {}, 10_000)!.events)).toEqual(log.rows.slice(tail.start!).map((r) => r.seq));
  });

  it('keeps only what streams still need: after the slowest recent reader, else just the latest append', () => {
    let clock = 0;
    const log = new ModelLog();
    const tail = new EventTail(1_000_000, () => clock);
    const [slow, fast] = [{}, {}];
    tail.add(log.append([newEvent(), newEvent()], 0, 0)); // 1-2
    tail.add(log.append([newEvent(), newEvent()], 0, 0)); // 3-4: nobody read, only the latest append stays
    expect([tail.start, tail.end]).toEqual([2, 4]);
    tail.read(2, 4, {}, 1, slow); // slow took 3, will read after 3 next
    tail.read(3, 4, {}, 100, slow);
    tail.read(4, 4, {}, 100, fast);
    tail.add(log.append([newEvent()], 0, 0)); // 5
    expect([tail.start, tail.end]).toEqual([3, 5]);
    clock += ACTIVE_READER_MS + 1; // slow has not read for a while: no longer held for
    tail.read(5, 5, {}, 100, fast);
    tail.add(log.append([newEvent()], 0, 0)); // 6
    expect([tail.start, tail.end]).toEqual([5, 6]);
    tail.forget(fast);
    tail.add(log.append([newEvent()], 0, 0)); // 7
    expect([tail.start, tail.end]).toEqual([6, 7]);
    // A stream behind the tail does not hold it back.
    tail.read(1, 7, {}, 100, slow);
    tail.add(log.append([newEvent()], 0, 0)); // 8
    expect([tail.start, tail.end]).toEqual([7, 8]);
  });

  it('a caught-up stream between its idle polls keeps a burst of appends held for it', () => {
    let clock = 0;
    const log = new ModelLog();
    const tail = new EventTail(1_000_000, () => clock);
    const stream = {};
    // The stream polls before anything is published (the tail is not anchored yet: it reads the log).
    expect(tail.read(0, 0, {}, 100, stream)).toBeUndefined();
    clock += 900;
    // A burst: several appends land before the stream's wake-up read runs.
    for (let i = 0; i < 4; i++) tail.add(log.append([newEvent(), newEvent()], 0, clock)); // 1-8
    expect([tail.start, tail.end]).toEqual([0, 8]);
    expect(seqs(tail.read(0, 8, {}, 100, stream)!.events)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Idle again, polling once a second (engine pollIntervalMs): still counts at its position.
    clock += 1000;
    tail.read(8, 8, {}, 100, stream);
    clock += 1000;
    for (let i = 0; i < 3; i++) tail.add(log.append([newEvent()], 0, clock)); // 9-11
    expect(seqs(tail.read(8, 11, {}, 100, stream)!.events)).toEqual([9, 10, 11]);
    // A stream that stopped reading (a destination in an outage) no longer holds the tail back.
    clock += ACTIVE_READER_MS + 1;
    for (let i = 0; i < 2; i++) tail.add(log.append([newEvent()], 0, clock)); // 12-13
    expect([tail.start, tail.end]).toEqual([12, 13]);
  });

  it('a stream that just fell behind the tail is held for; one far behind is not', () => {
    const log = new ModelLog();
    const tail = new EventTail(1_000_000, () => 0);
    const [lagging, far] = [{}, {}];
    tail.add(log.append(Array.from({ length: 10 }, newEvent), 0, 0)); // 1-10
    tail.read(10, 10, {}, 100, lagging);
    tail.add(log.append(Array.from({ length: 10 }, newEvent), 0, 0)); // 11-20, held for lagging (after 10)
    expect([tail.start, tail.end]).toEqual([10, 20]);
    tail.forget(lagging);
    tail.add(log.append([newEvent()], 0, 0)); // 21: nobody reads, only the latest append stays
    expect([tail.start, tail.end]).toEqual([20, 21]);
    for (let i = 0; i < 9; i++) tail.add(log.append([newEvent()], 0, 0)); // 22-30
    expect([tail.start, tail.end]).toEqual([29, 30]);
    // 28 is one behind the start (the tail holds one event): it reads 29 from the log, and the tail keeps 29 on.
    expect(tail.read(28, 30, {}, 100, lagging)).toBeUndefined();
    expect(tail.read(5, 30, {}, 100, far)).toBeUndefined();
    tail.add(log.append([newEvent(), newEvent()], 0, 0)); // 31-32
    expect([tail.start, tail.end]).toEqual([29, 32]);
    expect(seqs(tail.read(29, 32, {}, 100, lagging)!.events)).toEqual([30, 31, 32]);
  });

  it('a stream registered before the first append but behind it does not hold the tail', () => {
    const log = new ModelLog();
    log.append([newEvent(), newEvent(), newEvent()], 0, 0); // 1-3, appended before this instance's tail existed
    const tail = new EventTail(1_000_000, () => 0);
    const behind = {};
    expect(tail.read(0, 3, {}, 100, behind)).toBeUndefined();
    tail.add(log.append([newEvent()], 0, 0)); // 4: anchors at 3; the stream at 0 reads the log
    tail.add(log.append([newEvent()], 0, 0)); // 5
    expect([tail.start, tail.end]).toEqual([4, 5]);
  });

  it('property: any answer is exactly the log’s matching events of the range it claims, in order', () => {
    type Op =
      | { kind: 'local'; n: number; org: number; cls: number; sev: number; dup: boolean }
      | { kind: 'foreign'; n: number }
      | { kind: 'late' }
      | { kind: 'read'; behind: number; span: number; limit: number; q: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('local' as const), n: fc.integer({ min: 1, max: 12 }), org: fc.nat(1), cls: fc.nat(1), sev: fc.integer({ min: 1, max: 5 }), dup: fc.nat(4).map((d) => d === 0) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('foreign' as const), n: fc.integer({ min: 1, max: 5 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('late' as const) }) },
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('read' as const), behind: fc.nat(30), span: fc.nat(80), limit: fc.integer({ min: 1, max: 30 }), q: fc.nat(3) }) },
    );
    let answered = 0;
    const queries: TailQuery[] = [{}, { orgId: 'org-b' }, { classUids: [6003], minSeverity: 3 }, { orgId: 'org-a', classUids: [3002, 6003] }];
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 80 }), fc.integer({ min: 4_000, max: 40_000 }), (ops, maxBytes) => {
        const log = new ModelLog();
        const tail = new EventTail(maxBytes);
        const readers = queries.map(() => ({}));
        let held: AppendedNotice | undefined;
        let clock = 0;
        for (const o of ops) {
          if (o.kind === 'local') {
            const events = Array.from({ length: o.n }, (_, i) =>
              newEvent({ orgId: o.org ? 'org-b' : 'org-a', classUid: (o.cls + i) % 2 ? 6003 : 3002, severityId: ((o.sev + i) % 5) + 1 }),
            );
            const notice = log.append(events, o.dup ? Math.min(1, o.n - 1) : 0, (clock += 7));
            // Notices may be delivered late (after the next append's): hold one back now and then.
            if (!held && o.n % 5 === 0) held = notice;
            else tail.add(notice);
          } else if (o.kind === 'foreign') {
            log.append(Array.from({ length: o.n }, () => newEvent()), 0, (clock += 3));
          } else if (o.kind === 'late') {
            if (held) tail.add(held);
            held = undefined;
          } else {
            const afterSeq = Math.max(0, log.head - o.behind);
            const toSeq = afterSeq + o.span;
            const q = queries[o.q];
            const read = tail.read(afterSeq, toSeq, q, o.limit, readers[o.q]);
            if (!read) continue;
            if (read.events.length > 0) answered++;
            expect(read.scannedTo).toBeGreaterThanOrEqual(afterSeq);
            expect(read.scannedTo).toBeLessThanOrEqual(Math.min(toSeq, log.head));
            const truth = log.matching(afterSeq, read.scannedTo, q);
            expect(seqs(read.events)).toEqual(seqs(truth));
            expect(read.events.map((e) => e.uid)).toEqual(truth.map((e) => e.uid));
            // Stopped early only when the limit was reached.
            if (read.events.length < o.limit) expect(read.scannedTo).toBe(Math.min(toSeq, tail.end!));
          }
          expect(tail.bytes).toBeLessThanOrEqual(Math.max(maxBytes, 0));
        }
      }),
      { numRuns: 300 },
    );
    // The property is about answers: make sure there were plenty.
    expect(answered).toBeGreaterThan(500);
  });
});
