/**
 * What a process adds when several instances share one PostgreSQL (SPEC §7, README "Scaling"):
 * - config changes travel between instances (the store's change feed: LISTEN/NOTIFY, bridged onto the config
 *   service's emitter by store/change-relay.ts), so every instance's engine hears every change within a second; a
 *   reconnected listener triggers a full reconcile (notifications sent meanwhile are lost);
 * - a delivering process (role all|worker) takes part in lease ownership (lease-ownership.ts): its engine runs
 *   only the destinations it holds a lease for, rebalances when the ownership says so, and its cursor and
 *   delivery-state writes are fenced by the lease token (fencing.ts).
 * An API-only process (role api) only relays changes: it is not counted in the fair share.
 */
import type { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { StoreAdapter } from '../../store/adapter.ts';
import { relayChanges } from '../../store/change-relay.ts';
import { openChangeFeed } from '../../store/open-change-feed.ts';
import { siemConfigRepo } from '../../store/repos/siem-configs.ts';
import type { DeliveryStateSink } from '../delivery/destination.ts';
import { fencedStateSink } from './fencing.ts';
import { LeaseOwnership, type LeaseOwnershipOptions } from './lease-ownership.ts';

export interface ScaleOutOptions {
  store: StoreAdapter<any>;
  /** The config service's change emitter ('change' {kind, id, orgId}). */
  configChanges: EventEmitter;
  /** This process's id: its lease-owner name and its NOTIFY origin. */
  instanceId: string;
  /** Whether this process delivers (takes leases). */
  delivers: boolean;
  logger: Logger;
  lease?: Pick<LeaseOwnershipOptions, 'leaseMs' | 'renewMs'>;
}

export interface ScaleOut {
  /** Present when the process delivers: pass it to the engine. */
  ownership?: LeaseOwnership;
  /** The config feed's delivery-state sink: writes land only under the writer's lease. */
  configStateSink: DeliveryStateSink;
  /** Connects the engine: rebalance signals and listener resyncs run its reconcile. */
  attach(engine: { reconcile(): Promise<void> }): void;
  /** After the engine stopped: frees the remaining leases, leaves the instance table, stops listening. */
  close(): Promise<void>;
}

export async function startScaleOut(opts: ScaleOutOptions): Promise<ScaleOut> {
  const logger = opts.logger;
  const notifier = openChangeFeed(opts.store, { origin: opts.instanceId, logger });
  await notifier.start();

  let ownership: LeaseOwnership | undefined;
  if (opts.delivers) {
    ownership = new LeaseOwnership(opts.store.db, { ...opts.lease, instanceId: opts.instanceId, logger });
    try {
      await ownership.start();
    } catch (err) {
      await notifier.close();
      throw err;
    }
  }

  let engine: { reconcile(): Promise<void> } | undefined;
  const reconcile = (why: string) => {
    engine?.reconcile().catch((err) => logger.error({ err, why }, 'scale-out: reconcile failed'));
  };
  const stopRelay = relayChanges(opts.configChanges, notifier, { logger, onResync: () => reconcile('listener resync') });
  const stopRebalance = ownership?.onRebalance(() => reconcile('rebalance'));
  const db = opts.store.db as Kysely<any>;

  return {
    ownership,
    configStateSink: fencedStateSink({
      db,
      owner: opts.instanceId,
      write: (d, id, state) => siemConfigRepo(d).updateDeliveryState(id, state),
      onRefused: (id, fence) => logger.warn({ destination: id, fence }, 'scale-out: delivery state write refused (lease lost)'),
    }),
    attach(e) {
      engine = e;
    },
    async close() {
      stopRebalance?.();
      stopRelay();
      engine = undefined;
      await ownership?.close().catch((err) => logger.error({ err }, 'scale-out: leaving the lease table failed'));
      await notifier.close();
    },
  };
}
