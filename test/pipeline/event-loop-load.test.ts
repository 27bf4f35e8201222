/** eventLoopLoad: this thread's event-loop utilisation over the last completed window. */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { eventLoopLoad } from '../../src/pipeline/event-loop-load.ts';

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

it('is high after a window spent running code, low after one spent waiting, and changes only once a window has passed', async () => {
  const load = eventLoopLoad(100);
  expect(load()).toBe(0); // the first call starts the first window
  busyFor(120);
  const busy = load();
  expect(busy).toBeGreaterThan(0.8);
  expect(load()).toBe(busy); // same window: the same answer
  await sleep(150);
  expect(load()).toBeLessThan(0.5);
});
