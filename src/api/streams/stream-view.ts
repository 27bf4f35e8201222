/**
 * A SIEM config as the console (and any client that must never hold a credential) sees it: the config's
 * non-secret fields, each secret field only as "set" / "not_set", the health with its reason, and the delivery
 * figures. Built from the stored record alone: secrets are never decrypted for it.
 */
import { Type } from 'typebox';
import { connectorCatalog } from '../../connectors/catalog.ts';
import type { ConnectorType } from '../../connectors/shared/types.ts';
import type { DeliveryStats } from '../../pipeline/delivery/admin.ts';
import { iso } from '../../siem-configs/projections.ts';
import type { SiemConfigRecord } from '../../store/repos/siem-configs.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const IsoTime = Type.String({ format: 'date-time' });

export const StreamFigures = Type.Object({
  backlog_events: Type.Integer({ description: 'Events published for this stream and not yet delivered or dead-lettered' }),
  lag_seconds: Type.Number({ description: 'Age of the oldest event not yet delivered (0 when none)' }),
  events_delivered: Type.Integer(),
  events_failed: Type.Integer(),
  events_dead_lettered: Type.Integer(),
  dead_letters_pending: Type.Integer(),
  latency_p50_ms: Nullable(Type.Integer()),
  latency_p99_ms: Nullable(Type.Integer()),
});

export const StreamSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  org_id: Type.String(),
  name: Type.String(),
  connector_type: Type.String(),
  display_name: Type.String({ description: 'The connector\'s human name, e.g. "Splunk HEC"' }),
  is_enabled: Type.Boolean(),
  delivery_status: Type.String({ description: 'healthy, degraded, error, not_configured or paused' }),
  health_reason: Nullable(Type.String({ description: 'Why the stream is not healthy (its last error), null when healthy or paused' })),
  failure_count: Type.Integer(),
  last_error: Nullable(Type.String()),
  last_delivery_at: Nullable(IsoTime),
  last_successful_batch_at: Nullable(IsoTime),
  last_test_at: Nullable(IsoTime),
  last_test_result: Nullable(Type.String()),
  created_at: IsoTime,
  updated_at: IsoTime,
  batch_size: Type.Integer(),
  filters: Type.Object({ class_uids: Nullable(Type.Array(Type.Integer())), min_severity_id: Nullable(Type.Integer()) }),
  config: Type.Object({}, { additionalProperties: true, description: 'The config without its secret fields' }),
  secrets: Type.Record(Type.String(), Type.Union([Type.Literal('set'), Type.Literal('not_set')]), {
    description: 'Each secret field of the connector: whether a value is stored (never the value)',
  }),
  warnings: Type.Array(Type.String()),
  figures: Type.Optional(StreamFigures),
});

/** Fields the record may carry depending on the store's migrations (connection-test results). */
type WithTestResult = SiemConfigRecord & { lastTestAt?: number | null; lastTestResult?: string | null };

export function toStreamView(r: SiemConfigRecord, opts: { warnings: string[]; stats?: DeliveryStats }) {
  const def = connectorCatalog[r.connectorType as ConnectorType];
  const secretFields: readonly string[] = def?.secretFields ?? [];
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.config)) if (!secretFields.includes(k)) config[k] = v;
  const secrets: Record<string, 'set' | 'not_set'> = {};
  for (const f of secretFields) secrets[f] = typeof r.config[f] === 'string' ? 'set' : 'not_set';
  const t = r as WithTestResult;
  const unhealthy = r.deliveryStatus !== 'healthy' && r.deliveryStatus !== 'paused';
  const s = opts.stats;
  return {
    id: r.id,
    org_id: r.orgId,
    name: r.name,
    connector_type: r.connectorType,
    display_name: def?.displayName ?? r.connectorType,
    is_enabled: r.enabled,
    delivery_status: r.deliveryStatus,
    health_reason: unhealthy ? (r.lastError ?? r.deliveryStatus) : null,
    failure_count: r.failureCount,
    last_error: r.lastError,
    last_delivery_at: iso(r.lastDeliveryAt),
    last_successful_batch_at: iso(r.lastSuccessfulBatchAt),
    last_test_at: iso(t.lastTestAt ?? null),
    last_test_result: t.lastTestResult ?? null,
    created_at: iso(r.createdAt)!,
    updated_at: iso(r.updatedAt)!,
    batch_size: r.batchSize,
    filters: { class_uids: r.filterClassUids, min_severity_id: r.filterMinSeverity },
    config,
    secrets,
    warnings: opts.warnings,
    ...(s && {
      figures: {
        backlog_events: s.backlog,
        lag_seconds: Math.round(s.lagSeconds * 1000) / 1000,
        events_delivered: s.delivered,
        events_failed: s.failed,
        events_dead_lettered: s.deadLettered,
        dead_letters_pending: s.deadLettersPending,
        latency_p50_ms: s.latencyP50Ms,
        latency_p99_ms: s.latencyP99Ms,
      },
    }),
  };
}
