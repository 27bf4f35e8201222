/**
 * CPU the harness itself used during a scenario (orchestrator with the load generator, and the HEC receiver):
 * on a 2-core machine this is CPU the system under test did not get, so the report shows it.
 */
import { sampleProcess } from './process-sampler.ts';

export interface HarnessCpu {
  orchestratorSec: number;
  receiverSec: number;
}

export async function measureHarnessCpu<T>(receiverPid: number, fn: () => Promise<T>): Promise<{ value: T; cpu: HarnessCpu }> {
  const receiver = sampleProcess(receiverPid, 1000);
  const start = process.cpuUsage();
  try {
    const value = await fn();
    const used = process.cpuUsage(start);
    return { value, cpu: { orchestratorSec: (used.user + used.system) / 1e6, receiverSec: receiver.cpuSeconds() } };
  } finally {
    receiver.stop();
  }
}

/** Accumulates per scenario key, for one report line. */
export class HarnessCpuLedger {
  readonly #byKey = new Map<string, { runs: number; orchestratorSec: number; receiverSec: number }>();

  add(key: string, cpu: HarnessCpu): void {
    const entry = this.#byKey.get(key) ?? { runs: 0, orchestratorSec: 0, receiverSec: 0 };
    entry.runs++;
    entry.orchestratorSec += cpu.orchestratorSec;
    entry.receiverSec += cpu.receiverSec;
    this.#byKey.set(key, entry);
  }

  line(): string | undefined {
    if (this.#byKey.size === 0) return undefined;
    const parts = [...this.#byKey.entries()].map(
      ([key, e]) => `${key} ${(e.orchestratorSec / e.runs).toFixed(1)} / ${(e.receiverSec / e.runs).toFixed(1)} s`,
    );
    return `harness CPU per run (orchestrator incl. load generator / HEC receiver): ${parts.join('; ')}`;
  }
}
