/** The two API projections of one SIEM config record. Times are ISO-8601 UTC strings. */
import { connectorCatalog } from '../connectors/catalog.ts';
import type { ConnectorType } from '../connectors/shared/types.ts';
import type { SiemConfigRecord } from '../store/repos/siem-configs.ts';
import { providerForConnectorType } from './authos-mapping.ts';
import { maskSecrets } from './secrets.ts';

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function endpointUrl(r: SiemConfigRecord, decrypted: Record<string, unknown>): string {
  const def = connectorCatalog[r.connectorType as ConnectorType];
  try {
    return def ? def.endpointOf(decrypted) : '';
  } catch {
    return '';
  }
}

/** AuthOS create/get/update response (seed 000): api_key and auth_header are never returned. */
export function toAuthos(r: SiemConfigRecord, decrypted: Record<string, unknown>) {
  return {
    id: r.id,
    org_id: r.orgId,
    name: r.name,
    provider_type: providerForConnectorType(r.connectorType),
    endpoint_url: endpointUrl(r, decrypted),
    batch_size: r.batchSize,
    enabled: r.enabled,
    last_successful_batch_at: iso(r.lastSuccessfulBatchAt),
    failure_count: r.failureCount,
    created_at: iso(r.createdAt),
  };
}

/** AuthOS list item (seed 000 "List SIEM configs"). */
export function toAuthosListItem(r: SiemConfigRecord, decrypted: Record<string, unknown>) {
  return {
    id: r.id,
    name: r.name,
    provider_type: providerForConnectorType(r.connectorType),
    endpoint_url: endpointUrl(r, decrypted),
    enabled: r.enabled,
    created_at: iso(r.createdAt),
  };
}

/**
 * Arbitex response (seed 001): the decrypted `config` (masked when SIEM_REVEAL_SECRETS=false), plus the model's
 * extra fields (name, batch_size, filters, failure_count, last_error, last_test_at, last_test_result, warnings)
 * after the seed's own.
 */
export function toArbitex(r: SiemConfigRecord, decrypted: Record<string, unknown>, opts: { revealSecrets: boolean; warnings: string[] }) {
  const def = connectorCatalog[r.connectorType as ConnectorType];
  return {
    id: r.id,
    org_id: r.orgId,
    connector_type: r.connectorType,
    config: opts.revealSecrets || !def ? decrypted : maskSecrets(def, decrypted),
    is_enabled: r.enabled,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
    last_delivery_at: iso(r.lastDeliveryAt),
    delivery_status: r.deliveryStatus,
    name: r.name,
    batch_size: r.batchSize,
    filters: { class_uids: r.filterClassUids, min_severity_id: r.filterMinSeverity },
    failure_count: r.failureCount,
    last_successful_batch_at: iso(r.lastSuccessfulBatchAt),
    last_error: r.lastError,
    last_test_at: iso(r.lastTestAt),
    last_test_result: r.lastTestResult,
    warnings: opts.warnings,
  };
}
