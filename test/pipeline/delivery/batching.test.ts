import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { batchLimits, cutBatch, EventBuffer, PER_EVENT_OVERHEAD_BYTES, type BatchLimits } from '../../../src/pipeline/delivery/batching.ts';
import type { StoredEvent } from '../../../src/store/event-log.ts';

const limits = (l: Partial<BatchLimits> = {}): BatchLimits => ({
  maxEvents: 100,
  maxRequestBytes: 10_000,
  maxEventBytes: 5_000,
  perEventOverheadBytes: 0,
  ...l,
});

function storedEvent(seq: number, json: string): StoredEvent {
  return { seq, orgId: 'o', uid: `u${seq}`, classUid: 3002, severityId: 1, time: 0, publishedAt: 0, json };
}

describe('cutBatch', () => {
  it('stops at batch_size events', () => {
    expect(cutBatch(new Array(250).fill(10), 0, 250, limits())).toEqual({ count: 100, full: true, oversize: false });
  });

  it('stops before the byte budget is exceeded, counting the per-event overhead', () => {
    const cut = cutBatch(new Array(50).fill(900), 0, 50, limits({ perEventOverheadBytes: 100 }));
    expect(cut).toEqual({ count: 10, full: true, oversize: false });
  });

  it('reports a partial batch as not full', () => {
    expect(cutBatch([10, 10, 10], 0, 3, limits())).toEqual({ count: 3, full: false, oversize: false });
  });

  it('isolates an event over maxEventBytes as its own oversize batch', () => {
    const sizes = [10, 10, 6000, 10];
    expect(cutBatch(sizes, 0, 4, limits())).toEqual({ count: 2, full: true, oversize: false });
    expect(cutBatch(sizes, 2, 4, limits())).toEqual({ count: 1, full: true, oversize: true });
    expect(cutBatch(sizes, 3, 4, limits())).toEqual({ count: 1, full: false, oversize: false });
  });

  it('sends a lone event over the request budget (but within maxEventBytes) alone', () => {
    expect(cutBatch([4000, 10], 0, 2, limits({ maxRequestBytes: 3000 }))).toEqual({ count: 1, full: true, oversize: false });
  });

  it('property: batches cover the input in order and respect every limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 7000 }), { maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (sizes, maxEvents) => {
        const l = limits({ maxEvents, perEventOverheadBytes: 32 });
        let i = 0;
        while (i < sizes.length) {
          const cut = cutBatch(sizes, i, sizes.length, l);
          expect(cut.count).toBeGreaterThan(0);
          expect(cut.count).toBeLessThanOrEqual(maxEvents);
          const batch = sizes.slice(i, i + cut.count);
          if (cut.oversize) expect(batch).toEqual([expect.any(Number)]);
          else {
            expect(batch.every((s) => s <= l.maxEventBytes)).toBe(true);
            const bytes = batch.reduce((a, s) => a + s + 32, 0);
            if (batch.length > 1) expect(bytes).toBeLessThanOrEqual(l.maxRequestBytes);
          }
          i += cut.count;
        }
      }),
    );
  });

  it('derives limits from batch_size and the connector', () => {
    expect(batchLimits(500, { maxEventsPerRequest: 100, maxRequestBytes: 1000, maxEventBytes: 10 })).toEqual({
      maxEvents: 100,
      maxRequestBytes: 1000,
      maxEventBytes: 10,
      perEventOverheadBytes: PER_EVENT_OVERHEAD_BYTES,
    });
  });
});

describe('EventBuffer', () => {
  it('measures UTF-8 bytes and hands events out in order', () => {
    const buf = new EventBuffer();
    buf.push([storedEvent(1, '{"a":"é"}'), storedEvent(2, '{"b":1}')], 100);
    buf.push([storedEvent(3, '{"c":1}')], 200);
    expect(buf.length).toBe(3);
    expect(buf.bytes).toBe(10 + 7 + 7);
    expect(buf.oldestReadAt).toBe(100);
    const first = buf.take(2);
    expect(first.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(first.bytes).toBe(17);
    expect(buf.oldestReadAt).toBe(200);
    expect(buf.take(1).events.map((e) => e.seq)).toEqual([3]);
    expect(buf.length).toBe(0);
    expect(buf.bytes).toBe(0);
    expect(buf.oldestReadAt).toBeUndefined();
  });
});
