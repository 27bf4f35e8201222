/**
 * Peak memory and CPU time of a child process, read from /proc (Linux): VmRSS sampled every 100 ms, plus the
 * kernel's own high-water mark VmHWM at the end (catches peaks between samples), and utime+stime.
 */
import { readFileSync } from 'node:fs';

/** USER_HZ: clock ticks per second in /proc/<pid>/stat; 100 on every mainstream Linux build. */
export const TICKS_PER_SECOND = 100;

export interface ProcessSampler {
  /** Peak resident set size so far, in MiB (max of samples and VmHWM). */
  peakRssMiB(): number;
  /** User + system CPU seconds used since the sampler started. */
  cpuSeconds(): number;
  stop(): void;
}

export function sampleProcess(pid: number, intervalMs = 100): ProcessSampler {
  let peakKiB = 0;
  const cpuAtStart = cpuTicks(pid) ?? 0;
  let lastCpu = cpuAtStart;
  const sample = () => {
    const status = readStatus(pid);
    if (!status) return;
    peakKiB = Math.max(peakKiB, field(status, 'VmRSS'), field(status, 'VmHWM'));
    lastCpu = cpuTicks(pid) ?? lastCpu;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    peakRssMiB: () => (sample(), peakKiB / 1024),
    cpuSeconds: () => (sample(), (lastCpu - cpuAtStart) / TICKS_PER_SECOND),
    stop: () => {
      sample();
      clearInterval(timer);
    },
  };
}

function readStatus(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined; // the process has exited
  }
}

function field(status: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

/** utime + stime of a process in clock ticks; undefined once it has exited. */
export function cpuTicks(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return undefined;
  }
}
