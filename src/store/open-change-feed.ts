import type pg from 'pg';
import type { Logger } from 'pino';
import type { StoreAdapter } from './adapter.ts';
import type { ChangeFeed } from './change-feed.ts';
import { ChangeNotifier, configChannel } from './postgres/change-notifier.ts';

/**
 * The config-change feed between instances of a store that has one (capabilities.notify: PostgreSQL's
 * LISTEN/NOTIFY on its pool, one channel per schema); throws for a store that does not. Not started yet.
 */
export function openChangeFeed(adapter: StoreAdapter<any>, opts: { origin: string; logger?: Logger }): ChangeFeed {
  const pool = (adapter as { pool?: pg.Pool }).pool;
  if (!adapter.capabilities.notify || !pool) throw new Error('scale-out needs a PostgreSQL store (LISTEN/NOTIFY on its pool)');
  return new ChangeNotifier({ pool, channel: configChannel(adapter.schema), origin: opts.origin, logger: opts.logger });
}
