/**
 * What the delivery engine consumes: destinations, where their health goes, and which ones this instance runs.
 *
 * Two feeds exist: per-organisation SIEM configs (config-destinations.ts) and the global connector registry
 * (src/registry/). Each is a DestinationSource (what to deliver to) paired with a DeliveryStateSink (where
 * delivery_status & co. are written). The engine knows nothing else about either.
 */
import type { ConnectorType } from '../../connectors/shared/types.ts';
import type { DeliveryStatePatch } from '../../store/repos/siem-configs.ts';

export interface DestinationFilters {
  /** Only these OCSF classes (null: all; an empty list selects nothing). */
  classUids: readonly number[] | null;
  /** Only severity_id >= this (null: all). */
  minSeverity: number | null;
}

export interface DestinationSpec {
  /**
   * Unique across every source and stable for the destination's life: it keys the cursor, dead letters, stats
   * and metrics labels. Configs use their uuid; the registry uses `registry:<connector_id>`.
   */
  id: string;
  /** The organisation whose events it receives; null for a global connector (every organisation). */
  orgId: string | null;
  connectorType: ConnectorType;
  /** Connector config with secrets DECRYPTED (never logged). */
  config: Record<string, unknown>;
  /** Why the config cannot be used as stored (a secret that does not decrypt): the worker reports not_configured. */
  configError?: string;
  batchSize: number;
  filters: DestinationFilters;
  enabled: boolean;
  /**
   * Changes whenever anything above changes. The engine rebuilds the connector / re-reads with new filters when
   * it moves; a change also ends an auth-failure pause at once (the admin may just have fixed the token).
   */
  version: number;
  /**
   * Epoch ms from which a destination without a cursor starts (its creation or re-enabling), so events
   * published after the admin's action but before the worker started are not skipped. Undefined: the head.
   */
  startAt?: number;
}

export interface DestinationSource {
  /** Every destination of this source, enabled or not. */
  list(): Promise<DestinationSpec[]>;
  /** One destination; undefined when it no longer exists. */
  get(id: string): Promise<DestinationSpec | undefined>;
  /**
   * Calls `listener(id)` after a destination was created, changed or deleted (the engine then calls `get`).
   * Returns the unsubscribe function. In a multi-instance deployment the source also relays other instances'
   * changes (LISTEN/NOTIFY, issue 5).
   */
  subscribe(listener: (id: string) => void): () => void;
}

/** Health of a destination as the engine sees it (a subset of the config record's fields). */
export type DeliveryStateUpdate = DeliveryStatePatch;

export interface DeliveryStateSink {
  /**
   * Persists the destination's current health: absolute values, except `failuresAdded`, which adds to the stored
   * failure_count (after `failureCount`, when both are given), so failed connection tests recorded meanwhile by
   * any instance keep counting. Called at most about once a second per destination. `fence`: the lease token the
   * writer holds (null on a single instance); a multi-instance sink ignores writes whose fence is stale.
   */
  update(destinationId: string, state: DeliveryStateUpdate, fence: number | null): Promise<void>;
}

export interface DestinationFeed {
  /** For logs: 'siem-configs', 'registry'. */
  name: string;
  source: DestinationSource;
  sink: DeliveryStateSink;
}

/**
 * Which destinations this instance runs. One instance: all of them (soleOwnership). PostgreSQL scale-out
 * (issue 5): a lease per destination whose token fences cursor and state writes of a former owner.
 */
export interface DestinationOwnership {
  /**
   * Given every enabled destination id, the ones this instance may run now, each with its fencing token (null:
   * no fencing). Called at every reconcile (start, changes, periodically); must also renew held leases.
   * `partial`: `ids` is not every enabled destination but the one a change notification named; decide about it
   * only (the others keep their state).
   */
  claim(ids: readonly string[], opts?: { partial?: boolean }): Promise<Map<string, number | null>>;
  /** Gives a destination up (disabled, deleted, shutdown, or its cursor write was fenced). */
  release(id: string): Promise<void>;
}

/** Every destination belongs to this instance. */
export const soleOwnership: DestinationOwnership = {
  async claim(ids) {
    return new Map(ids.map((id) => [id, null]));
  },
  async release() {},
};
