/** Per-organisation SIEM configs as a delivery feed: specs from the siem_configs table, health written back to it. */
import type { ConnectorType } from '../../connectors/shared/types.ts';
import { describeUnavailable } from '../../siem-configs/secrets.ts';
import type { ConfigChange, SiemConfigService } from '../../siem-configs/service.ts';
import type { SiemConfigRecord, SiemConfigRepo } from '../../store/repos/siem-configs.ts';
import type { DeliveryStateSink, DestinationFeed, DestinationSpec } from './destination.ts';

/**
 * `stateSink`: where delivery state goes instead of the plain repo write; with several instances, a fenced sink
 * (src/pipeline/ownership/fencing.ts fencedStateSink) so a former lease holder cannot overwrite it.
 */
export function siemConfigFeed(deps: { configs: SiemConfigService; repo: SiemConfigRepo; stateSink?: DeliveryStateSink }): DestinationFeed {
  const toSpec = (r: SiemConfigRecord): DestinationSpec => {
    // A secret that does not decrypt (key removed, altered row): the worker reports not_configured with why.
    const { config, unavailable } = deps.configs.openConfig(r);
    return {
      id: r.id,
      orgId: r.orgId,
      connectorType: r.connectorType as ConnectorType,
      config,
      configError: unavailable.length > 0 ? unavailable.map(describeUnavailable).join('; ') : undefined,
      batchSize: r.batchSize,
      filters: { classUids: r.filterClassUids, minSeverity: r.filterMinSeverity },
      enabled: r.enabled,
      version: r.version,
      // updated_at is the creation or the re-enabling when a destination has no cursor yet.
      startAt: r.updatedAt,
    };
  };

  return {
    name: 'siem-configs',
    source: {
      list: async () => (await deps.repo.listAll()).map(toSpec),
      get: async (id) => {
        const r = await deps.repo.getById(id);
        return r ? toSpec(r) : undefined;
      },
      subscribe(listener) {
        const onChange = (c: ConfigChange) => listener(c.id);
        deps.configs.changes.on('change', onChange);
        return () => deps.configs.changes.off('change', onChange);
      },
    },
    sink: deps.stateSink ?? {
      // Single instance: nothing to fence.
      update: (id, state) => deps.repo.updateDeliveryState(id, state),
    },
  };
}
