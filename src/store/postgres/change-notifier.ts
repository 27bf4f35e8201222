/**
 * Config changes between instances: LISTEN/NOTIFY on one channel per schema.
 *
 * `publish` sends `pg_notify(channel, {kind, id, orgId, origin})` through the pool (after the change committed:
 * NOTIFY outside a transaction is delivered at once). `subscribe` listeners receive other instances' changes
 * (an instance's own notifications are dropped: it already emitted them locally). Listening holds one dedicated
 * connection outside the pool; when it breaks (server restart, pg_terminate_backend, network), it reconnects with
 * full-jitter backoff and then calls the `onResync` listeners, because notifications sent while it was away are
 * lost — the engine's reconcile re-reads everything. That reconcile also runs periodically (every 30 s by default)
 * as the safety net for a NOTIFY that never arrives.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { silentLogger } from '../../logger.ts';
import { retryDelay, type BackoffPolicy } from '../../backoff.ts';
import type { ChangeFeed, ChangeNotice } from '../change-feed.ts';

export interface ChangeNotifierOptions {
  /** Publishing goes through the pool. */
  pool: pg.Pool;
  /** Connection settings of the dedicated LISTEN connection (default: the pool's). */
  listenConfig?: pg.ClientConfig;
  /** Default: configChannel('public'). */
  channel?: string;
  /** This instance's id; notifications it published itself are not relayed back to it. */
  origin: string;
  reconnect?: BackoffPolicy;
  logger?: Logger;
  random?: () => number;
}

const KINDS = new Set(['created', 'updated', 'deleted']);
const DEFAULT_RECONNECT: BackoffPolicy = { initialMs: 200, maxMs: 10_000 };
/** Never hammer the server: full jitter can draw ~0. */
const MIN_RECONNECT_MS = 50;

/**
 * The channel of a schema's deployment: deployments sharing one database in separate schemas (and parallel test
 * schemas) must not hear each other. Channel names are identifiers (< 64 bytes): long schema names are hashed.
 */
export function configChannel(schema = 'public'): string {
  if (schema === 'public') return 'siemstream_config';
  const suffix = schema.length <= 40 ? schema : createHash('sha256').update(schema).digest('hex').slice(0, 32);
  return `siemstream_config_${suffix}`;
}

export class ChangeNotifier implements ChangeFeed {
  readonly channel: string;
  private readonly listeners = new Set<(change: ChangeNotice) => void>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly logger: Logger;
  private client: pg.Client | undefined;
  private pid: number | undefined;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: ChangeNotifierOptions) {
    this.channel = opts.channel ?? configChannel();
    this.logger = (opts.logger ?? silentLogger).child({ component: 'change-notifier', channel: this.channel });
  }

  /** Opens the LISTEN connection; rejects if the first attempt fails (later breaks reconnect on their own). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Whether the LISTEN connection is up, and its server process id (for operators, and tests that kill it). */
  get listening(): { connected: boolean; backendPid: number | undefined } {
    return { connected: this.client !== undefined, backendPid: this.pid };
  }

  async publish(change: ChangeNotice): Promise<void> {
    const payload = JSON.stringify({ kind: change.kind, id: change.id, orgId: change.orgId, origin: this.opts.origin });
    await this.opts.pool.query('select pg_notify($1, $2)', [this.channel, payload]);
  }

  subscribe(listener: (change: ChangeNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after a reconnect: changes may have been missed; re-read everything. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      ...(this.opts.listenConfig ?? this.opts.pool.options),
      application_name: 'siemstream-listen',
      keepAlive: true,
    });
    client.on('notification', (m) => {
      if (m.channel === this.channel && m.payload !== undefined) this.deliver(m.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(this.channel)}`);
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      this.pid = rows[0]?.pid;
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
  }

  private deliver(payload: string): void {
    let msg: { kind?: unknown; id?: unknown; orgId?: unknown; origin?: unknown };
    try {
      msg = JSON.parse(payload);
    } catch {
      this.logger.warn('change-notifier: ignoring a malformed notification');
      return;
    }
    if (msg.origin === this.opts.origin) return;
    if (typeof msg.kind !== 'string' || !KINDS.has(msg.kind) || typeof msg.id !== 'string' || typeof msg.orgId !== 'string') {
      this.logger.warn('change-notifier: ignoring a notification of unknown shape');
      return;
    }
    const change: ChangeNotice = { kind: msg.kind as ChangeNotice['kind'], id: msg.id, orgId: msg.orgId };
    for (const listener of this.listeners) listener(change);
  }

  private lost(client: pg.Client, err?: Error): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.pid = undefined;
    void client.end().catch(() => {});
    if (this.closed) return;
    this.logger.warn({ err }, 'change-notifier: LISTEN connection lost; reconnecting');
    this.reconnectLater();
  }

  private reconnectLater(): void {
    const delay = Math.max(MIN_RECONNECT_MS, retryDelay(++this.failures, { policy: this.opts.reconnect ?? DEFAULT_RECONNECT, random: this.opts.random }));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed) return;
      this.connect().then(
        () => {
          if (this.closed) return;
          this.failures = 0;
          this.logger.info('change-notifier: listening again');
          for (const listener of this.resyncListeners) listener();
        },
        (err) => {
          this.logger.warn({ err, attempt: this.failures }, 'change-notifier: reconnect failed');
          this.reconnectLater();
        },
      );
    }, delay);
    this.timer.unref();
  }
}
