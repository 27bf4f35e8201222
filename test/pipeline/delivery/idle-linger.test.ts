/**
 * Partial batches (destination-worker.ts partialWaitMs): with SIEM_FLUSH_INTERVAL_MS at its default (1 s), a
 * destination with no request in flight sends a partial batch after IDLE_LINGER_MS, not after the whole interval;
 * while one of its requests is in flight, a partial batch keeps waiting (for that request to settle, or the
 * interval), so a busy destination does not turn a trickle into a request per event.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDLE_LINGER_MS } from '../../../src/pipeline/delivery/destination-worker.ts';
import { startCollector, type Collector } from './collector.ts';
import { authEvents, eventually, httpConfig, startDeliveryHarness, type DeliveryHarness } from './harness.ts';

const FLUSH_MS = 1000;

describe('partial batches', () => {
  let h: DeliveryHarness;
  let siem: Collector;
  beforeEach(async () => {
    h = await startDeliveryHarness({ flushIntervalMs: FLUSH_MS });
    siem = await startCollector();
  });
  afterEach(async () => {
    await h?.dispose();
    await siem?.close();
  });

  it('leaves after the short linger when the destination is idle, not after the flush interval', async () => {
    await h.createConfig({ connector_type: 'http', name: 'quiet', config: httpConfig(siem.url) });
    // Warm up (the worker starts, the first connection is made), then measure a quiet publish.
    await h.publish(authEvents(1));
    await siem.waitForUnique(1, 5000);
    const published = Date.now();
    await h.publish(authEvents(5));
    await siem.waitForUnique(6, 5000);
    const latency = siem.requests().at(-1)!.at - published;
    expect(siem.requests().at(-1)!.uids).toHaveLength(5);
    expect(latency).toBeGreaterThanOrEqual(IDLE_LINGER_MS - 5);
    expect(latency).toBeLessThan(FLUSH_MS / 2);
  });

  it('keeps a partial batch waiting while a request is in flight, and sends it once that one settles', async () => {
    await h.createConfig({ connector_type: 'http', name: 'slow', config: httpConfig(siem.url), batch_size: 100 });
    const SLOW_MS = 600;
    siem.respond = () => ({ status: 200, delayMs: SLOW_MS });
    await h.publish(authEvents(1));
    // The first request is out (after the linger) and held by the receiver; now a second event arrives.
    await eventually(() => siem.requests().length === 1, 'the first request');
    const firstArrived = siem.requests()[0]!.at;
    await h.publish(authEvents(1));
    await siem.waitForUnique(2, 5000);
    const requests = siem.requests();
    expect(requests).toHaveLength(2);
    // Not sent beside the first one (in-flight capacity was there): it waited for the first to be answered.
    expect(requests[1]!.at - firstArrived).toBeGreaterThanOrEqual(SLOW_MS - 20);
    expect(requests[1]!.at - firstArrived).toBeLessThan(SLOW_MS + FLUSH_MS);
  });
});
