/**
 * This thread's event-loop utilisation (node:perf_hooks: the share of time spent running code rather than
 * waiting for I/O) over the last completed window, sampled lazily: no timer, one cheap call per question.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export function eventLoopLoad(windowMs: number): () => number {
  let last: EventLoopUtilization | undefined;
  let at = 0;
  let utilization = 0;
  return () => {
    const now = performance.now();
    if (!last) {
      last = performance.eventLoopUtilization();
      at = now;
    } else if (now - at >= windowMs) {
      const current = performance.eventLoopUtilization();
      utilization = performance.eventLoopUtilization(current, last).utilization;
      last = current;
      at = now;
    }
    return utilization;
  };
}
