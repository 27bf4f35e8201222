/**
 * seqAtTime without an index on published_at: the append paths clamp published_at so it never decreases along
 * seq, so the first seq published at or after `t` is found by binary search over seq on the primary key
 * (about log2(head) point reads). Replays are rare; the append hot path saves a secondary index per event.
 */

export interface SeqTime {
  seq: number;
  publishedAt: number;
}

/**
 * @param head the gap-safe head; the answer is head + 1 when nothing at or after `t` exists
 * @param firstFrom the first stored event with seq >= the argument (seqs may have a pruned prefix)
 */
export async function searchSeqAtTime(t: number, head: number, firstFrom: (seq: number) => Promise<SeqTime | undefined>): Promise<number> {
  let best = head + 1;
  // Invariant: every event with seq <= lo was published before t; the answer is best or an event in (lo, hi].
  let lo = 0;
  let hi = head;
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2);
    const row = await firstFrom(mid);
    if (!row || row.seq > hi) {
      hi = mid - 1;
    } else if (row.publishedAt >= t) {
      // Nothing exists in [mid, row.seq): row is the best so far; look below mid.
      best = row.seq;
      hi = mid - 1;
    } else {
      lo = row.seq;
    }
  }
  return best;
}
