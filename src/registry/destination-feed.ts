/**
 * The registry as a delivery feed (src/pipeline/delivery/destination.ts): each instantiable global connector is a
 * destination `registry:<connector_id>` receiving every organisation's events, and the engine's health writes
 * land on the registry's in-memory status. not_configured entries are not destinations.
 */
import type { DeliveryStateSink, DestinationFeed, DestinationSource, DestinationSpec } from '../pipeline/delivery/destination.ts';
import type { ConnectorRegistry, GlobalDestination, RegistryChange } from './registry.ts';

const PREFIX = 'registry:';
/** Global connectors have no batch_size field; SPEC §3's default applies. */
const GLOBAL_BATCH_SIZE = 100;

export const registryDestinationId = (connectorId: string) => `${PREFIX}${connectorId}`;

function connectorIdOf(destinationId: string): string | undefined {
  return destinationId.startsWith(PREFIX) ? destinationId.slice(PREFIX.length) : undefined;
}

function specOf(d: GlobalDestination): DestinationSpec {
  return {
    id: registryDestinationId(d.connectorId),
    orgId: null,
    connectorType: d.connectorType,
    config: d.config,
    batchSize: GLOBAL_BATCH_SIZE,
    filters: { classUids: null, minSeverity: null },
    enabled: true,
    version: d.version,
    startAt: d.registeredAt,
  };
}

export function registryDestinationFeed(registry: ConnectorRegistry): DestinationFeed {
  const source: DestinationSource = {
    async list() {
      return registry.destinations().map(specOf);
    },
    async get(id) {
      const connectorId = connectorIdOf(id);
      const d = connectorId === undefined ? undefined : registry.destination(connectorId);
      return d && specOf(d);
    },
    subscribe(listener) {
      const onChange = (change: RegistryChange) => listener(registryDestinationId(change.connectorId));
      registry.changes.on('change', onChange);
      return () => registry.changes.off('change', onChange);
    },
  };
  // State is per process (the registry is rebuilt from the file at start), so fencing has nothing to protect.
  const sink: DeliveryStateSink = {
    async update(id, state) {
      const connectorId = connectorIdOf(id);
      if (connectorId !== undefined) registry.recordDeliveryState(connectorId, state);
    },
  };
  return { name: 'registry', source, sink };
}
