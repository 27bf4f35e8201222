/**
 * The main thread's handle on the append worker (append-worker.ts): append() posts the events and resolves when
 * the worker reports their transaction committed and synced to disk. The worker is started on the first append (the CLI's
 * commands never start one) and restarted on the next append if it died; appends in flight when it dies are
 * rejected (their transaction may or may not have committed: a publisher's retry is then de-duplicated by uid).
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { AppendResult, NewEvent, PublishBodyRequest, PublishBodyResult } from '../event-log.ts';
import { refusalError } from '../body-refusal.ts';
import type { AppendOutcome, AppendWorkerData, AppendWorkerReply, AppendWorkerRequest } from './append-protocol.ts';
import { unpackPrepared } from './prepared-wire.ts';

/** How long close() waits for the worker to finish its queued appends before terminating it. */
const CLOSE_TIMEOUT_MS = 30_000;

/**
 * The worker's heap. Young generation: what it allocates (parsed events) dies within one request, so a small
 * one (V8's default would reach 48 MB) costs no extra copying; measured ~25 MiB less resident memory at the same
 * CPU. Old generation: a bound for the unexpected; a group holds at most a few 10 MB bodies.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 256 };

export interface DurabilitySettings {
  journalMode: string;
  /** PRAGMA synchronous of the worker's connection (1 = NORMAL: its commits are synced by walSync). */
  synchronous: number;
  /** Commits are made durable by an fdatasync of the WAL before they are acknowledged (append-server.ts). */
  walSync: boolean;
}

/** An append whose transaction failed in the worker; `code` is SQLite's (SQLITE_BUSY …) when there is one. */
export class AppendError extends Error {
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'AppendError';
    this.code = code;
  }
}

interface Pending {
  settle: (outcome: Exclude<AppendOutcome, { failed: unknown } | { refused: unknown }>) => void;
  reject: (err: Error) => void;
}

export class AppendWorkerClient {
  readonly #data: AppendWorkerData;
  readonly #onStart?: () => void;
  readonly #pending = new Map<number, Pending>();
  #worker?: Worker;
  #ready?: Promise<DurabilitySettings>;
  #nextId = 1;
  #closed = false;

  constructor(data: AppendWorkerData, opts: { onStart?: () => void } = {}) {
    this.#data = data;
    this.#onStart = opts.onStart;
  }

  append(events: readonly NewEvent[], now: number): Promise<AppendResult> {
    return this.#request((id) => ({ kind: 'append', id, events, now }), (outcome) => outcome.result);
  }

  /**
   * EventLog.publishBody: the worker finds, parses, prepares and appends the body's events. The caller keeps its
   * bytes (the kept events of the reply are views of them, for delivery, at the byte ranges the worker sends
   * back); the worker gets a copy.
   */
  publishBody(request: PublishBodyRequest): Promise<PublishBodyResult> {
    const { format, bytes } = request.body;
    const kept = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // The worker gets its own copy of the bytes, made here and moved: a structured clone would allocate the
    // megabyte in the worker thread's malloc arena, where freed bodies fragmented into resident memory (bench (c)).
    const copy = new Uint8Array(bytes);
    return this.#request(
      (id) => ({ kind: 'publish', id, ...request, body: { format, bytes: copy } }),
      (outcome) => ({ ...unpackPrepared(outcome.prepared!, kept), append: outcome.result }),
      [copy.buffer],
    );
  }

  #request<T>(message: (id: number) => AppendWorkerRequest, result: (outcome: Parameters<Pending['settle']>[0]) => T, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('event log is closed'));
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      worker.postMessage(message(id), transfer);
      this.#pending.set(id, { settle: (outcome) => resolve(result(outcome)), reject });
      // Keep the process alive while a request is under way (a host awaiting publish() has nothing else pending).
      if (this.#pending.size === 1) worker.ref();
    });
  }

  /** Requests posted to the worker and not answered yet (queued, being prepared or appended, or awaiting their sync). */
  get outstanding(): number {
    return this.#pending.size;
  }

  /** The worker connection's journal mode and synchronous level (starts the worker when none runs). */
  durability(): Promise<DurabilitySettings> {
    if (this.#closed) return Promise.reject(new Error('event log is closed'));
    if (!this.#worker) this.#start();
    return this.#ready!;
  }

  /** Lets the worker commit the appends already posted, then stops it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const worker = this.#worker;
    if (!worker) return;
    worker.ref();
    const exited = once(worker, 'exit');
    worker.postMessage({ kind: 'close' } satisfies AppendWorkerRequest);
    const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #start(): Worker {
    const worker = spawnAppendWorker(this.#data);
    worker.unref();
    this.#worker = worker;
    this.#onStart?.();
    let failure: Error | undefined;
    let settled = false;
    this.#ready = new Promise<DurabilitySettings>((resolve, reject) => {
      worker.on('message', (reply: AppendWorkerReply) => {
        if (reply.kind === 'ready') {
          settled = true;
          resolve({ journalMode: reply.journalMode, synchronous: reply.synchronous, walSync: reply.walSync });
        } else {
          this.#settle(worker, reply);
        }
      });
      worker.on('error', (err) => (failure = err));
      worker.on('exit', (code) => {
        if (this.#worker === worker) this.#worker = undefined;
        const err = new Error(`event-log append worker stopped (${failure ? failure.message : `exit code ${code}`})`, { cause: failure });
        if (!settled) reject(err);
        for (const p of this.#pending.values()) p.reject(err);
        this.#pending.clear();
      });
    });
    // Callers that never ask for durability() must not see an unhandled rejection.
    this.#ready.catch(() => {});
    return worker;
  }

  #settle(worker: Worker, reply: Extract<AppendWorkerReply, { kind: 'settled' }>): void {
    for (const outcome of reply.outcomes) {
      const p = this.#pending.get(outcome.id);
      if (!p) continue;
      this.#pending.delete(outcome.id);
      if ('failed' in outcome) p.reject(new AppendError(`event-log append failed: ${outcome.failed.message}`, outcome.failed.code));
      else if ('refused' in outcome) p.reject(refusalError(outcome.refused));
      else p.settle(outcome);
    }
    if (this.#pending.size === 0) worker.unref();
  }
}

/**
 * From the TypeScript sources (tsx, vitest) the worker needs tsx's loader as well; from the bundle (dist/,
 * scripts/build.mjs) the worker is the bundle's sibling entry.
 */
function spawnAppendWorker(workerData: AppendWorkerData): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./append-worker.ts', import.meta.url).href;
    const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(bootstrap, { eval: true, workerData, resourceLimits: WORKER_HEAP });
  }
  return new Worker(new URL('./sqlite-append-worker.js', import.meta.url), { workerData, resourceLimits: WORKER_HEAP });
}
