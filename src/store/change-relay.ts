/**
 * Bridges an in-process change emitter (SiemConfigService.changes: 'change' {kind, id, orgId}) and the
 * store's ChangeFeed (change-feed.ts) both ways:
 * - local changes are published, so every other instance hears them;
 * - other instances' changes are re-emitted on the same emitter, so whatever already listens to it (the config
 *   feed's DestinationSource.subscribe) relays them without knowing about PostgreSQL.
 * Re-emitted changes are remembered (by object identity) and never published again, so nothing loops.
 * A failed publish is logged: other instances then pick the change up at their next reconcile.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { silentLogger } from '../logger.ts';
import type { ChangeFeed, ChangeNotice } from './change-feed.ts';

export function relayChanges(
  changes: EventEmitter,
  notifier: ChangeFeed,
  opts: { logger?: Logger; onResync?: () => void } = {},
): () => void {
  const logger = opts.logger ?? silentLogger;
  const relayed = new WeakSet<object>();
  const onLocal = (change: ChangeNotice) => {
    if (relayed.has(change)) return;
    notifier.publish(change).catch((err) => logger.warn({ err, config: change.id }, 'change relay: publishing a config change failed'));
  };
  changes.on('change', onLocal);
  const offRemote = notifier.subscribe((change) => {
    relayed.add(change);
    changes.emit('change', change);
  });
  const offResync = opts.onResync ? notifier.onResync(opts.onResync) : () => {};
  return () => {
    changes.off('change', onLocal);
    offRemote();
    offResync();
  };
}
