/**
 * One long-lived syslog connection (TCP or TLS) through the egress-guarded stream transport.
 *
 * Syslog has no application-level acknowledgement (protocols.md §7.1): a batch counts as delivered once all of its
 * bytes were written and flushed to the operating system on an open connection. What that cannot prove — that
 * QRadar parsed them — is the protocol's limit; at-least-once holds for everything up to the socket.
 * - The connection is opened lazily, kept open between batches and re-opened after any error or peer close.
 * - Before and after each write the event loop runs twice so a close or reset that has already reached us (an idle
 *   connection QRadar dropped, a listener that refuses us) is seen now: before the write it means "reconnect" (once,
 *   for a reused connection) or "retry", after the write it means "retry" rather than a silent loss.
 * - Batches are written one at a time, in call order, so events keep their order on the wire.
 * - Connection failures, write failures and timeouts are `retry`; an egress refusal or a TLS verification failure is
 *   classified by the shared classifier (config problems → `auth`).
 */
import type { Socket } from 'node:net';
import { classifyTransportError } from '../shared/classify.ts';
import { toTransportError } from '../shared/transport-errors.ts';
import type { DeliveryOutcome, StreamTransport } from '../shared/types.ts';

export interface SyslogStreamOptions {
  stream: StreamTransport;
  host: string;
  port: number;
  tls: boolean;
  verifySsl?: boolean;
  timeoutMs: number;
}

const CLOSE_GRACE_MS = 1000;

export class SyslogStream {
  #socket?: Socket;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;
  readonly #target: string;

  constructor(private readonly opts: SyslogStreamOptions) {
    this.#target = `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`;
  }

  /** Writes the bytes as one unit after every earlier write; never throws. */
  write(bytes: Buffer, signal?: AbortSignal): Promise<DeliveryOutcome> {
    const result = this.#tail.then(() => this.#deliver(bytes, signal));
    this.#tail = result;
    return result;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }

  async #deliver(bytes: Buffer, signal?: AbortSignal): Promise<DeliveryOutcome> {
    if (this.#closed) return { kind: 'retry', message: 'syslog connector is closed' };
    if (signal?.aborted) return { kind: 'retry', message: `syslog write to ${this.#target} aborted` };

    const reused = this.#socket !== undefined;
    let socket: Socket;
    try {
      socket = this.#socket ?? (await this.#connect());
      await settleIo();
      if (!isOpen(socket) && reused) {
        // An idle connection the receiver closed meanwhile: not a failure of this batch, open a fresh one.
        this.#drop(socket);
        socket = await this.#connect();
        await settleIo();
      }
    } catch (err) {
      return classifyTransportError(err);
    }
    if (!isOpen(socket)) {
      this.#drop(socket);
      return { kind: 'retry', message: `${this.#target} closed the syslog connection` };
    }

    try {
      await writeFlushed(socket, bytes, this.opts.timeoutMs);
    } catch (err) {
      this.#drop(socket);
      return classifyTransportError(toTransportError(err, this.#target, this.opts.timeoutMs));
    }
    await settleIo();
    if (!isOpen(socket)) {
      this.#drop(socket);
      return { kind: 'retry', message: `${this.#target} closed the syslog connection right after the batch was written` };
    }
    return { kind: 'success', message: `${bytes.length} bytes written to ${this.#target}` };
  }

  async #connect(): Promise<Socket> {
    const { stream, host, port, tls, verifySsl, timeoutMs } = this.opts;
    const socket = await stream.connect({ host, port, tls, verifySsl, timeoutMs });
    // Failures surface through isOpen() / the write callback; an unhandled 'error' would crash the process.
    socket.on('error', () => {});
    // Syslog receivers send nothing; reading keeps 'end' (peer close) observable.
    socket.resume();
    socket.setKeepAlive(true, 60_000);
    // A batch is written in one call: send it now rather than wait for the previous segment's (delayed) ACK.
    socket.setNoDelay(true);
    this.#socket = socket;
    return socket;
  }

  #drop(socket: Socket): void {
    socket.destroy();
    if (this.#socket === socket) this.#socket = undefined;
  }
}

function isOpen(socket: Socket): boolean {
  return !socket.destroyed && socket.writable && !socket.readableEnded;
}

/** Resolves once Node handed every byte to the OS (the write callback); rejects on error or timeout. */
function writeFlushed(socket: Socket, bytes: Buffer, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = Object.assign(new Error('write timed out'), { code: 'ETIMEDOUT' });
      socket.destroy(err);
      reject(err);
    }, timeoutMs);
    socket.write(bytes, (err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
  });
}

/** Two event-loop turns: guarantees one I/O poll, so socket events that already arrived are dispatched. */
async function settleIo(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
