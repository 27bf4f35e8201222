import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createAckTracker, type AckPollAnswer } from '../../../src/connectors/splunk-hec/ack-tracker.ts';

const logger = pino({ level: 'silent' });

/** A tracker whose queries are answered by `answer` and recorded. */
function trackerWith(answer: (ids: number[]) => AckPollAnswer, timeoutMs = 1_000) {
  const queries: number[][] = [];
  const tracker = createAckTracker({
    query: async (ids) => {
      queries.push(ids);
      return answer(ids);
    },
    now: () => performance.now(),
    logger,
    pollIntervalMs: 5,
    timeoutMs,
  });
  return { tracker, queries };
}

describe('ack tracker', () => {
  it('settles each id on its first true and polls the rest only', async () => {
    let round = 0;
    const { tracker, queries } = trackerWith((ids) => {
      round++;
      // Round 1: only id 1 is indexed; round 2: the others.
      return { kind: 'status', acks: Object.fromEntries(ids.map((id) => [id, round > 1 || id === 1])) };
    });
    const results = await Promise.all([tracker.wait(0), tracker.wait(1), tracker.wait(2)]);
    expect(results).toEqual(['acked', 'acked', 'acked']);
    expect(queries).toEqual([
      [0, 1, 2],
      [0, 2],
    ]);
    expect(tracker.pending()).toBe(0);
  });

  it('keeps polling through failed queries and times out at the bound', async () => {
    const { tracker, queries } = trackerWith(() => ({ kind: 'error', message: 'HTTP 502' }), 60);
    expect(await tracker.wait(4)).toBe('timeout');
    expect(queries.length).toBeGreaterThanOrEqual(2);
    expect(queries.every((q) => q.length === 1 && q[0] === 4)).toBe(true);
  });

  it('settles everything as disabled on code 14, logging once', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const { tracker } = trackerWith(() => ({ kind: 'disabled' }));
    expect(await Promise.all([tracker.wait(0), tracker.wait(1)])).toEqual(['disabled', 'disabled']);
    expect(await tracker.wait(2)).toBe('disabled');
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('stops on abort and on close, and refuses waits after close', async () => {
    const { tracker } = trackerWith((ids) => ({ kind: 'status', acks: Object.fromEntries(ids.map((id) => [id, false])) }));
    const abort = new AbortController();
    const aborted = tracker.wait(0, abort.signal);
    const closed = tracker.wait(1);
    abort.abort();
    expect(await aborted).toBe('aborted');
    tracker.close();
    expect(await closed).toBe('closed');
    expect(await tracker.wait(2)).toBe('closed');
    expect(tracker.pending()).toBe(0);
  });

  it('ignores ids it is not waiting for and non-true values', async () => {
    let round = 0;
    const { tracker } = trackerWith((): AckPollAnswer => {
      round++;
      // A string "true" is not an acknowledgement; an id nobody waits for is ignored.
      const acks: Record<string, boolean> = round === 1 ? { 7: true, 3: 'true' as unknown as boolean } : { 3: true };
      return { kind: 'status', acks };
    });
    expect(await tracker.wait(3)).toBe('acked');
    expect(round).toBe(2);
  });
});
