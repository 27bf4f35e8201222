import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchSeqAtTime, type SeqTime } from '../../src/store/event-log-time-search.ts';

describe('searchSeqAtTime', () => {
  it('finds the first seq published at or after t, like a linear scan (pruned prefix, ties, none)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 200 }),
        fc.nat(150),
        fc.integer({ min: -1, max: 700 }),
        async (steps, pruned, t) => {
          // published_at never decreases along seq; seqs 1..n, the first `pruned` deleted.
          let at = 0;
          const all: SeqTime[] = steps.map((s, i) => ({ seq: i + 1, publishedAt: (at += s) }));
          const head = all.length;
          const rows = all.slice(Math.min(pruned, head));
          let probes = 0;
          const firstFrom = async (seq: number) => {
            probes++;
            return rows.find((r) => r.seq >= seq);
          };
          const expected = rows.find((r) => r.publishedAt >= t)?.seq ?? head + 1;
          expect(await searchSeqAtTime(t, head, firstFrom)).toBe(expected);
          expect(probes).toBeLessThanOrEqual(Math.ceil(Math.log2(head + 1)) + 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
