import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeliveryGate, GateStopped } from '../../../src/pipeline/delivery/delivery-gate.ts';

describe('DeliveryGate', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  const gate = () => new DeliveryGate({ backoff: { initialMs: 1000, maxMs: 8000 }, authProbeMs: 60_000, now: Date.now, random: () => 0.999 });

  it('lets everything through while open', async () => {
    const g = gate();
    await expect(g.pass(1)).resolves.toBe(0);
    expect(g.accepting).toBe(true);
  });

  it('after a failure: nothing before the delay, then one probe (the earliest batch), then all on success', async () => {
    const g = gate();
    const epoch = (await g.pass(1))!;
    expect(g.failed(epoch)).toBe(999);
    expect(g.accepting).toBe(false);
    const released: number[] = [];
    const later = g.pass(20).then((e) => released.push(20) && e);
    const earlier = g.pass(10).then((e) => released.push(10) && e);
    await vi.advanceTimersByTimeAsync(998);
    expect(released).toEqual([]);
    await vi.advanceTimersByTimeAsync(2);
    expect(released).toEqual([10]);
    const probeEpoch = (await earlier)!;
    g.succeeded(probeEpoch);
    await vi.advanceTimersByTimeAsync(0);
    expect(released).toEqual([10, 20]);
    await later;
    expect(g.mode).toBe('open');
  });

  it('grows the delay with consecutive failures and honours Retry-After as a floor', async () => {
    const g = gate();
    let epoch = (await g.pass(1))!;
    expect(g.failed(epoch)).toBe(999);
    await vi.advanceTimersByTimeAsync(1000);
    epoch = (await g.pass(1))!;
    expect(g.failed(epoch)).toBe(1998);
    await vi.advanceTimersByTimeAsync(2000);
    epoch = (await g.pass(1))!;
    expect(g.failed(epoch, 30_000)).toBe(30_000);
    expect(g.consecutiveFailures).toBe(3);
  });

  it('ignores answers to requests sent before the latest failure', async () => {
    const g = gate();
    const a = (await g.pass(1))!;
    const b = (await g.pass(2))!;
    g.failed(a, 3000);
    // b was sent before a's 429 arrived: its success must not cut the Retry-After short, its failure adds nothing.
    g.succeeded(b);
    expect(g.mode).toBe('backoff');
    expect(g.failed(b)).toBeUndefined();
    expect(g.consecutiveFailures).toBe(1);
    expect(g.nextAttemptAt).toBe(Date.now() + 3000);
  });

  it('auth failures wait for the slow probe, but a config change reopens at once', async () => {
    const g = gate();
    const epoch = (await g.pass(1))!;
    expect(g.authFailed(epoch)).toBe(true);
    expect(g.nextAttemptAt).toBe(Date.now() + 60_000);
    let released = false;
    const waiting = g.pass(1).then(() => (released = true));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(released).toBe(false);
    g.reset();
    await waiting;
    expect(g.mode).toBe('open');
  });

  it('wakes a waiter at its deadline without passing it', async () => {
    const g = gate();
    g.failed((await g.pass(1))!, 10_000);
    const result = g.pass(1, Date.now() + 500);
    await vi.advanceTimersByTimeAsync(500);
    await expect(result).resolves.toBeUndefined();
  });

  it('an abandoned probe hands the turn to the next waiter', async () => {
    const g = gate();
    g.failed((await g.pass(1))!);
    const first = g.pass(1);
    const second = g.pass(2);
    await vi.advanceTimersByTimeAsync(1000);
    const e = (await first)!;
    let secondReleased = false;
    void second.then(() => (secondReleased = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(secondReleased).toBe(false);
    g.abandon(e);
    await vi.advanceTimersByTimeAsync(0);
    expect(secondReleased).toBe(true);
  });

  it('stop rejects waiters and later passes', async () => {
    const g = gate();
    g.failed((await g.pass(1))!);
    const waiting = g.pass(5);
    g.stop();
    await expect(waiting).rejects.toBeInstanceOf(GateStopped);
    await expect(g.pass(6)).rejects.toBeInstanceOf(GateStopped);
  });
});
