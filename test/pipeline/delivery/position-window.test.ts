import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PositionWindow } from '../../../src/pipeline/delivery/position-window.ts';

describe('PositionWindow (cursor contiguity)', () => {
  it('does not pass an unfinished batch when a later one finishes first', () => {
    const w = new PositionWindow(10);
    const a = w.reserve(20);
    const b = w.reserve(30);
    const c = w.reserve(40);
    expect(w.complete(b)).toBeUndefined();
    expect(w.complete(c)).toBeUndefined();
    expect(w.committed).toBe(10);
    expect(w.complete(a)).toBe(40);
    expect(w.pending).toBe(0);
  });

  it('skips empty ranges at once, but only behind finished batches', () => {
    const w = new PositionWindow(0);
    expect(w.skip(5)).toBe(5);
    const a = w.reserve(8);
    expect(w.skip(12)).toBeUndefined();
    expect(w.complete(a)).toBe(12);
    expect(w.skip(12)).toBeUndefined();
    expect(w.handedOutTo).toBe(12);
  });

  it('refuses ranges that go backwards', () => {
    const w = new PositionWindow(50);
    expect(() => w.reserve(49)).toThrow(/must not decrease/);
  });

  it('property: committed = end of the longest finished prefix, for any completion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 200 }), fc.infiniteStream(fc.nat()), (steps, picks) => {
        const w = new PositionWindow(0);
        let end = 0;
        const slots = steps.map((s) => w.reserve((end += s)));
        const done = new Array(slots.length).fill(false);
        const order = [...slots.keys()];
        const it = picks[Symbol.iterator]();
        while (order.length > 0) {
          const i = order.splice(it.next().value % order.length, 1)[0];
          w.complete(slots[i]);
          done[i] = true;
          let prefix = 0;
          while (prefix < done.length && done[prefix]) prefix++;
          expect(w.committed).toBe(prefix === 0 ? 0 : slots[prefix - 1].end);
        }
        expect(w.committed).toBe(end);
      }),
    );
  });
});
