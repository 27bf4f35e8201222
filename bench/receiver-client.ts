/** The orchestrator's handle on the HEC receiver child (bench/hec-receiver.ts). */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { stopChild, track } from './children.ts';
import type { LatencySummary, ReceiverCommand, ReceiverProgress, ReceiverReply } from './receiver-protocol.ts';

export interface Receiver {
  /** `http://127.0.0.1:<port>/<destination>`: a HEC base URL (the connector appends /services/collector/event). */
  baseUrl(destination: string): string;
  pid: number;
  reset(marker: string, total: number, destinations: string[]): Promise<void>;
  setMode(mode: 'up' | 'down', retryAfterSec?: number): Promise<void>;
  progress(): Promise<ReceiverProgress>;
  latency(sentAt: number[], perRequest: number, range?: { fromSeq: number; toSeq: number }): Promise<LatencySummary[]>;
  stop(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const child = track(
    fork(join(import.meta.dirname, 'hec-receiver.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' }),
  );
  // Replies come back in command order (the child handles one message at a time).
  const pending: Array<(r: ReceiverReply) => void> = [];
  let onReady: ((port: number) => void) | undefined;
  child.on('message', (m) => {
    const msg = m as ReceiverReply;
    if (msg.type === 'ready') onReady?.(msg.port);
    else pending.shift()?.(msg);
  });
  const port = await new Promise<number>((resolve, reject) => {
    onReady = resolve;
    child.once('exit', (code) => reject(new Error(`HEC receiver exited early (code ${code})`)));
  });
  const ask = <T extends ReceiverReply>(cmd: ReceiverCommand) =>
    new Promise<T>((resolve) => {
      pending.push(resolve as (r: ReceiverReply) => void);
      child.send(cmd);
    });

  return {
    pid: child.pid!,
    baseUrl: (destination) => `http://127.0.0.1:${port}/${destination}`,
    async reset(marker, total, destinations) {
      await ask({ type: 'reset', marker, total, destinations });
    },
    async setMode(mode, retryAfterSec) {
      await ask({ type: 'mode', mode, retryAfterSec });
    },
    progress: () => ask<ReceiverProgress>({ type: 'progress' }),
    async latency(sentAt, perRequest, range) {
      const r = await ask<Extract<ReceiverReply, { type: 'latency' }>>({ type: 'latency', sentAt, perRequest, ...range });
      return r.destinations;
    },
    async stop() {
      await stopChild(child, 2000);
    },
  };
}
