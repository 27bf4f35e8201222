/** What every destination must have received (workload.ts selection), and how far the receiver is from it. */
import type { UidReceiver } from './uid-receiver.ts';
import { selects, traits, type DestinationPlan } from './workload.ts';

export interface DestinationOutcome {
  destination: number;
  expected: number;
  /** Selected events never received. */
  missing: number;
  /** Events received that the destination's filters do not select (must be 0). */
  unexpected: number;
  /** Receipts beyond the first (at-least-once re-deliveries). */
  duplicates: number;
}

/** How many of the first `events` events each destination selects. */
export function expectedCounts(plans: readonly DestinationPlan[], events: number): number[] {
  const counts = plans.map(() => 0);
  for (let i = 0; i < events; i++) {
    const t = traits(i);
    plans.forEach((p, d) => {
      if (selects(p, t)) counts[d]++;
    });
  }
  return counts;
}

/** Resolves once every destination has at least its expected number of distinct events; rejects after timeoutMs. */
export async function waitForDelivery(receiver: UidReceiver, expected: readonly number[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const behind = expected.map((n, d) => n - receiver.receipts(d).unique).filter((gap) => gap > 0);
    if (behind.length === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`delivery incomplete after ${timeoutMs} ms: ${behind.length} destinations behind by ${behind.reduce((a, b) => a + b, 0)} events`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Exact per-destination comparison of what arrived with what was selected. */
export function outcomes(receiver: UidReceiver, plans: readonly DestinationPlan[], events: number): DestinationOutcome[] {
  return plans.map((plan, d) => {
    const r = receiver.receipts(d);
    let expected = 0;
    let missing = 0;
    let unexpected = 0;
    for (let i = 0; i < events; i++) {
      const selected = selects(plan, traits(i));
      if (selected) expected++;
      if (selected && r.counts[i] === 0) missing++;
      if (!selected && r.counts[i] > 0) unexpected++;
    }
    return { destination: d, expected, missing, unexpected, duplicates: r.duplicates };
  });
}
