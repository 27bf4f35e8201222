/**
 * Which destinations this instance runs when several instances share one PostgreSQL (SPEC §7, issue 5): one lease
 * per destination (destination_leases), spread evenly over the live instances.
 *
 * - Liveness: every instance heartbeats its `instances` row every `renewMs` (default 5 s); an instance not seen
 *   for `leaseMs` (default 15 s) is dead. Leases are renewed in the same tick, so a dead instance's leases and
 *   its liveness end together, and the survivors take its destinations over right after the lease time.
 * - Fair share: ceil(#destinations / #live instances). `claim` keeps at most that many leases (those already
 *   running first) and acquires free or expired ones up to it. Leases above the share are SHED gracefully: no
 *   longer granted (the engine stops the worker, writes its last cursor, and calls `release`), no longer renewed
 *   (so they expire anyway if nobody releases them). Joining and leaving instances therefore rebalance.
 * - Fencing: every acquisition increments the row's token; cursor and state writes carry it (fencing.ts), so an
 *   instance that lost a lease (paused, partitioned) is refused once another instance took over.
 * - Rebalancing needs a fresh `claim` (the engine's reconcile, every 30 s by default). The heartbeat tick calls
 *   the `onRebalance` listeners as soon as the picture changes: an instance joined or died, a held lease was
 *   lost, this instance is above its share, or it is below and a lease is free. The tick also wakes up right
 *   after the earliest expiry of another instance's lease, so a `kill -9`ed instance is replaced within about
 *   the lease time, not the reconcile period.
 *
 * `claim` is called with every enabled destination (full reconcile) and, by the engine's change handler, with
 * the one destination a notification named (`partial`): that call decides about that id only (renew it if held;
 * acquire it if free and this instance is below its share, counting live instances afresh, since instances may
 * have joined since the last tick) and neither sheds nor forgets other destinations.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { silentLogger } from '../../logger.ts';
import type { DestinationOwnership } from '../delivery/destination.ts';
import { leaseRepo, type Lease, type LeaseRepo } from './lease-repo.ts';

export interface LeaseOwnershipOptions {
  /** Lease time and instance liveness window (default 15 s). */
  leaseMs?: number;
  /** Heartbeat and renewal period (default 5 s; keep it well below leaseMs). */
  renewMs?: number;
  /** This instance's id (default: a fresh uuid per process, so a restarted process never inherits leases). */
  instanceId?: string;
  /** Run the heartbeat timer (default true; tests drive `heartbeat()` by hand). */
  autoRenew?: boolean;
  logger?: Logger;
}

export const DEFAULT_LEASE_MS = 15_000;
export const DEFAULT_RENEW_MS = 5_000;
/** Earliest re-check after a foreign lease expires (lets the expiry land before looking). */
const EXPIRY_GRACE_MS = 25;

export interface HeartbeatReport {
  live: number;
  /** Destinations this instance was running whose lease another instance took. */
  lost: string[];
  /** Whether a claim would change the assignment (the listeners were called). */
  rebalance: boolean;
}

/** The most leases one instance should hold. */
export function fairShare(destinations: number, liveInstances: number): number {
  return Math.ceil(destinations / Math.max(1, liveInstances));
}

export class LeaseOwnership implements DestinationOwnership {
  readonly instanceId: string;
  readonly leaseMs: number;
  readonly renewMs: number;
  private readonly repo: LeaseRepo;
  private readonly logger: Logger;
  private readonly autoRenew: boolean;
  /** Leases handed to the engine: renewed every tick until released, shed or lost. */
  private granted = new Map<string, number>();
  /** Every enabled destination as of the last full claim (plus partial additions): the fair-share basis. */
  private universe = new Set<string>();
  /** Destinations whose lease row is known to exist. */
  private readonly rowsExist = new Set<string>();
  private live = 1;
  private readonly rebalanceListeners = new Set<() => void>();
  /** Claims, heartbeats and releases run one at a time (they all read and replace `granted`). */
  private serial: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private nextTickMs: number;
  private closed = false;

  constructor(db: Kysely<any>, opts: LeaseOwnershipOptions = {}) {
    this.instanceId = opts.instanceId ?? randomUUID();
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
    this.renewMs = opts.renewMs ?? DEFAULT_RENEW_MS;
    if (this.renewMs >= this.leaseMs) throw new Error('renewMs must be shorter than leaseMs');
    this.autoRenew = opts.autoRenew ?? true;
    this.nextTickMs = this.renewMs;
    this.logger = (opts.logger ?? silentLogger).child({ component: 'ownership', instance: this.instanceId });
    this.repo = leaseRepo(db, this.instanceId, this.leaseMs);
  }

  /** Announces this instance (so others count it in their fair share at once) and starts the heartbeat timer. */
  async start(): Promise<void> {
    this.live = (await this.exclusive(() => this.repo.heartbeat())).live;
    if (this.autoRenew) this.schedule();
  }

  /** Called (without arguments) when a claim would change the assignment; the engine runs its reconcile. */
  onRebalance(listener: () => void): () => void {
    this.rebalanceListeners.add(listener);
    return () => this.rebalanceListeners.delete(listener);
  }

  /** The leases currently granted (id → token). */
  holdings(): Map<string, number> {
    return new Map(this.granted);
  }

  claim(ids: readonly string[], opts: { partial?: boolean } = {}): Promise<Map<string, number | null>> {
    const unique = [...new Set(ids)];
    if (opts.partial && unique.length !== 1) throw new Error('a partial claim names exactly one destination');
    return this.exclusive(() => (opts.partial ? this.claimOne(unique[0]) : this.claimAll(unique)));
  }

  release(id: string): Promise<void> {
    return this.exclusive(async () => {
      this.granted.delete(id);
      await this.repo.release(id);
    });
  }

  /**
   * One tick: heartbeat, renew every granted lease, and decide whether a claim is due. Runs on the timer; public
   * so tests (and an engine that wants to) can drive it.
   */
  heartbeat(): Promise<HeartbeatReport> {
    return this.exclusive(async () => {
      const { now, live } = await this.repo.heartbeat();
      const liveChanged = live !== this.live;
      this.live = live;
      const renewed = new Map((await this.repo.renew([...this.granted.keys()])).map((l) => [l.destinationId, l.token]));
      const lost = [...this.granted].filter(([id, token]) => renewed.get(id) !== token).map(([id]) => id);
      for (const id of lost) this.granted.delete(id);
      if (lost.length > 0) this.logger.warn({ destinations: lost }, 'ownership: leases taken over by another instance');

      const { free, nextForeignExpiry } = await this.repo.survey([...this.universe]);
      const share = fairShare(this.universe.size, live);
      const rebalance = liveChanged || lost.length > 0 || this.granted.size > share || (this.granted.size < share && free > 0);
      this.nextTickMs =
        nextForeignExpiry === null ? this.renewMs : Math.min(this.renewMs, Math.max(EXPIRY_GRACE_MS, nextForeignExpiry - now + EXPIRY_GRACE_MS));
      if (rebalance) for (const listener of this.rebalanceListeners) listener();
      return { live, lost, rebalance };
    });
  }

  /** Stops the heartbeat, frees every lease and removes this instance (after the engine stopped). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.exclusive(async () => {
      this.granted.clear();
      await this.repo.leave();
    });
  }

  private async claimAll(ids: string[]): Promise<Map<string, number | null>> {
    const { live } = await this.repo.heartbeat();
    this.live = live;
    this.universe = new Set(ids);
    await this.ensureRows(ids);
    const share = fairShare(ids.length, live);

    // Keep what already runs first (shedding stops the fewest workers), then by id for a stable choice.
    const owned = (await this.repo.held(ids)).sort(
      (a, b) => Number(this.granted.has(b.destinationId)) - Number(this.granted.has(a.destinationId)) || a.destinationId.localeCompare(b.destinationId),
    );
    const keep = owned.slice(0, share).map((l) => l.destinationId);
    const shed = owned.slice(share).map((l) => l.destinationId);
    const result = toMap(await this.repo.renew(keep));
    const shedding = new Set(shed);
    const wanted = ids.filter((id) => !result.has(id) && !shedding.has(id));
    const acquired = await this.repo.acquire(wanted, share - result.size);
    for (const l of acquired) result.set(l.destinationId, l.token);

    if (acquired.length > 0) this.logger.info({ destinations: acquired, share, live }, 'ownership: leases acquired');
    if (shed.length > 0) this.logger.info({ destinations: shed, share, live }, 'ownership: above the fair share; shedding leases');
    this.granted = result;
    return new Map(result);
  }

  private async claimOne(id: string): Promise<Map<string, number | null>> {
    const token = this.granted.get(id);
    if (token !== undefined) {
      const [renewed] = await this.repo.renew([id]);
      if (renewed?.token === token) return new Map([[id, token]]);
      this.granted.delete(id);
      return new Map();
    }
    this.universe.add(id);
    await this.ensureRows([id]);
    this.live = (await this.repo.heartbeat()).live;
    if (this.granted.size >= fairShare(this.universe.size, this.live)) return new Map();
    const [acquired] = await this.repo.acquire([id], 1);
    if (!acquired) return new Map();
    this.granted.set(id, acquired.token);
    this.logger.info({ destinations: [acquired] }, 'ownership: lease acquired');
    return new Map([[id, acquired.token]]);
  }

  private async ensureRows(ids: readonly string[]): Promise<void> {
    const missing = ids.filter((id) => !this.rowsExist.has(id));
    await this.repo.ensure(missing);
    for (const id of missing) this.rowsExist.add(id);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn, fn);
    this.serial = run.catch(() => {});
    return run;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.heartbeat()
        .catch((err) => {
          // Leases keep their expiry; if this goes on past leaseMs they lapse and fenced writes refuse us.
          this.nextTickMs = this.renewMs;
          this.logger.error({ err }, 'ownership: heartbeat failed; retrying');
        })
        .finally(() => this.schedule());
    }, this.nextTickMs);
    this.timer.unref();
  }
}

function toMap(leases: Lease[]): Map<string, number> {
  return new Map(leases.map((l) => [l.destinationId, l.token]));
}
