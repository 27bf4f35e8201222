/** Waiting for the receiver to have everything: polls its progress until done, stalled, or out of time. */
import type { Receiver } from './receiver-client.ts';
import type { ReceiverProgress } from './receiver-protocol.ts';

export interface WaitOptions {
  /** Unique events each destination must receive. */
  expected: number;
  /** Give up when no destination received anything new for this long. */
  stallMs: number;
  /** Before the first event arrives, allow this long instead (a destination coming back from backoff). */
  firstEventWithinMs?: number;
  /** Print progress every this many ms (0: quiet). */
  reportEveryMs?: number;
  label: string;
}

export interface WaitResult {
  progress: ReceiverProgress;
  complete: boolean;
}

export async function waitForDelivery(receiver: Receiver, opts: WaitOptions): Promise<WaitResult> {
  let lastUnique = -1;
  let lastChange = Date.now();
  let lastReport = Date.now();
  for (;;) {
    const progress = await receiver.progress();
    const unique = progress.destinations.reduce((n, d) => n + d.unique, 0);
    if (progress.destinations.every((d) => d.unique >= opts.expected)) return { progress, complete: true };
    const now = Date.now();
    if (unique !== lastUnique) {
      lastUnique = unique;
      lastChange = now;
    }
    const allowed = unique === 0 && opts.firstEventWithinMs !== undefined ? opts.firstEventWithinMs : opts.stallMs;
    if (now - lastChange > allowed) {
      console.log(`  ${opts.label}: no progress for ${Math.round(allowed / 1000)} s, giving up (${summary(progress, opts.expected)})`);
      return { progress, complete: false };
    }
    if (opts.reportEveryMs && now - lastReport >= opts.reportEveryMs) {
      lastReport = now;
      console.log(`  ${opts.label}: ${summary(progress, opts.expected)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function summary(p: ReceiverProgress, expected: number): string {
  return p.destinations.map((d) => `${d.name} ${d.unique.toLocaleString('en-US')}/${expected.toLocaleString('en-US')}`).join(', ');
}
