/**
 * The machine's CPU steal between two moments (/proc/stat): on this VM the host sometimes runs other guests on
 * "our" cores, and the same bench then measures up to twice as slow. Printed in the header so that a slow run
 * can be told from a slow change. Undefined where /proc/stat is missing (not Linux).
 */
import { readFileSync } from 'node:fs';

interface CpuTicks {
  total: number;
  steal: number;
}

function readTicks(): CpuTicks | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user)
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (ticks.length < 8 || ticks.some((t) => !Number.isFinite(t))) return undefined;
    return { total: ticks.reduce((a, b) => a + b, 0), steal: ticks[7]! };
  } catch {
    return undefined;
  }
}

/** Starts counting now; `percent()` is the steal share of all CPU time since (0–100). */
export function cpuSteal(): { percent(): number | undefined } {
  const start = readTicks();
  return {
    percent() {
      const end = readTicks();
      if (!start || !end || end.total <= start.total) return undefined;
      return (100 * (end.steal - start.steal)) / (end.total - start.total);
    },
  };
}
