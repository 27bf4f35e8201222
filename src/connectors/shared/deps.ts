/** Builds what every connector needs (guarded HTTP + stream transports, logger, clock) from the egress settings. */
import pino, { type Logger } from 'pino';
import { createEgressGuard, type EgressGuard, type Resolver } from '../../security/egress-guard.ts';
import { createHttpTransport } from './http-transport.ts';
import { createStreamTransport } from './stream-transport.ts';
import type { ConnectorDeps } from './types.ts';

export function createConnectorDeps(
  opts: { egressAllow?: string[]; resolver?: Resolver; logger?: Logger; now?: () => number; maxConnectionsPerOrigin?: number } = {},
): ConnectorDeps & { egress: EgressGuard; close(): Promise<void> } {
  const egress = createEgressGuard({ allow: opts.egressAllow, resolver: opts.resolver });
  const logger = opts.logger ?? pino({ level: 'silent' });
  const http = createHttpTransport({ egress, logger, maxConnectionsPerOrigin: opts.maxConnectionsPerOrigin });
  return {
    http,
    stream: createStreamTransport({ egress }),
    egress,
    logger,
    now: opts.now ?? Date.now,
    close: () => http.close(),
  };
}
