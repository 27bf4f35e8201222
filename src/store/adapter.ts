/**
 * A store backend: one Kysely instance plus capability flags. Code that must behave differently per backend
 * asks a capability (never `if (kind === 'postgres')` scattered around).
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

export interface StoreCapabilities {
  /** Several processes may share this database (PostgreSQL): leases, NOTIFY and advisory locks matter. */
  multiInstance: boolean;
  /** `LISTEN/NOTIFY` for change propagation between instances. */
  notify: boolean;
  /** `SELECT … FOR UPDATE SKIP LOCKED`. */
  skipLocked: boolean;
}

export interface StoreAdapter<DB = Database> {
  readonly kind: 'sqlite' | 'postgres';
  readonly capabilities: StoreCapabilities;
  /** PostgreSQL schema holding our tables. */
  readonly schema?: string;
  readonly db: Kysely<DB>;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
