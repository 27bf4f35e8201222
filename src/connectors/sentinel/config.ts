/**
 * Microsoft Sentinel config (SPEC §3, protocols.md §4). Two forms share one connector type:
 * - Logs Ingestion API (DCE/DCR, Entra ID client credentials): the current API;
 * - the legacy HTTP Data Collector API (workspace id + shared key), retired by Microsoft on 2026-09-14 but still
 *   accepted because the Arbitex seed documents it.
 * The schema lists every field as optional; `validateSentinelConfig` enforces "exactly one complete form", which a
 * single TObject cannot express with readable errors.
 */
import { Type, type Static } from 'typebox';
import { connectorConfigSchema, HttpUrl, checkEndpointUrl, commonDestinationFields } from '../shared/config-schema.ts';
import type { FieldIssue } from '../shared/types.ts';

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const DNS_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';

export const sentinelConfigSchema = connectorConfigSchema(
  {
    // Logs Ingestion API form
    tenant_id: Type.Optional(
      Type.String({
        maxLength: 253,
        pattern: `^(?:${GUID}|${DNS_LABEL}(?:\\.${DNS_LABEL})+)$`,
        description: 'Entra ID tenant: a directory GUID or a verified domain such as contoso.onmicrosoft.com',
      }),
    ),
    client_id: Type.Optional(Type.String({ pattern: `^${GUID}$`, description: 'Entra ID application (client) ID, a GUID' })),
    client_secret: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Entra ID client secret value' })),
    dce_url: Type.Optional(
      HttpUrl('Data Collection Endpoint (or the DCR logs ingestion endpoint), e.g. https://my-dce.westeurope-1.ingest.monitor.azure.com'),
    ),
    dcr_immutable_id: Type.Optional(
      Type.String({ pattern: '^dcr-[0-9a-fA-F]{32}$', description: 'Data Collection Rule immutable ID: "dcr-" followed by 32 hex characters' }),
    ),
    stream_name: Type.Optional(
      Type.String({
        maxLength: 256,
        pattern: '^(?:[Cc]ustom|[Mm]icrosoft)-[A-Za-z0-9_]+$',
        description: 'DCR stream: Custom-<Name> for a custom table, or Microsoft-<Table>',
      }),
    ),
    authority_url: Type.Optional(HttpUrl('Entra ID authority (default https://login.microsoftonline.com)')),
    compression: Type.Optional(Type.Enum(['gzip', 'none'], { description: 'Logs Ingestion request compression (default gzip)' })),
    // Legacy HTTP Data Collector form
    workspace_id: Type.Optional(Type.String({ pattern: `^${GUID}$`, description: 'Log Analytics workspace ID, a GUID' })),
    shared_key: Type.Optional(
      Type.String({
        minLength: 4,
        maxLength: 1024,
        pattern: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
        description: 'workspace primary or secondary key, base64',
      }),
    ),
    log_type: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_]{1,100}$', description: 'custom log type: letters, digits and _ only, at most 100 characters' }),
    ),
    // Either form
    endpoint_url: Type.Optional(
      HttpUrl('Overrides the ingestion base URL (dce_url, or https://{workspace_id}.ods.opinsights.azure.com for the legacy form)'),
    ),
  },
  'Microsoft Sentinel: the Logs Ingestion API form (tenant_id, client_id, client_secret, dce_url, dcr_immutable_id, stream_name) ' +
    'or the legacy Data Collector form (workspace_id, shared_key, log_type), exactly one of them',
);

export type SentinelConfig = Static<typeof sentinelConfigSchema>;

export const sentinelSecretFields = ['client_secret', 'shared_key'] as const;
/**
 * Where the client secret (token URL: authority + tenant) and the signed or bearer-authorised requests (DCE, the
 * workspace's Data Collector host, the override) go.
 */
export const sentinelDestinationFields = ['tenant_id', 'authority_url', 'dce_url', 'workspace_id', 'endpoint_url', ...commonDestinationFields] as const;

export const DEFAULT_AUTHORITY_URL = 'https://login.microsoftonline.com';
/** The SDK's `defaultIngestionScope` (double slash as in Microsoft's tutorial; Entra accepts both forms). */
export const INGESTION_SCOPE = 'https://monitor.azure.com//.default';
export const INGESTION_API_VERSION = '2023-01-01';
export const DATA_COLLECTOR_API_VERSION = '2016-04-01';

export const LEGACY_RETIREMENT_WARNING =
  'Microsoft retired the HTTP Data Collector API on 2026-09-14; use the Logs Ingestion API form ' +
  '(tenant_id, client_id, client_secret, dce_url, dcr_immutable_id, stream_name)';

const INGESTION_REQUIRED = ['tenant_id', 'client_id', 'client_secret', 'dce_url', 'dcr_immutable_id', 'stream_name'] as const;
const INGESTION_ONLY = [...INGESTION_REQUIRED, 'authority_url', 'compression'] as const;
const LEGACY_REQUIRED = ['workspace_id', 'shared_key', 'log_type'] as const;
const URL_FIELDS = ['dce_url', 'authority_url', 'endpoint_url'] as const;

export interface LogsIngestionSettings {
  form: 'logs_ingestion';
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** `{authority}/{tenant}/oauth2/v2.0/token` */
  tokenUrl: string;
  /** `{base}/dataCollectionRules/{dcr}/streams/{stream}?api-version=2023-01-01` */
  ingestionUrl: string;
  gzip: boolean;
}

export interface DataCollectorSettings {
  form: 'data_collector';
  workspaceId: string;
  /** The base64-decoded workspace key: the HMAC key. */
  sharedKey: Buffer;
  logType: string;
  /** `{base}/api/logs?api-version=2016-04-01` */
  url: string;
}

export type SentinelSettings = LogsIngestionSettings | DataCollectorSettings;

/** Which form a (schema-valid) config uses; undefined when it names fields of both or neither. */
export function sentinelFormOf(config: SentinelConfig): SentinelSettings['form'] | undefined {
  const ingestion = presentFields(config, INGESTION_ONLY).length > 0;
  const legacy = presentFields(config, LEGACY_REQUIRED).length > 0;
  if (ingestion === legacy) return undefined;
  return ingestion ? 'logs_ingestion' : 'data_collector';
}

/** Exactly one complete form, and URLs a request can be built on. Runs after the schema passed. */
export function validateSentinelConfig(config: SentinelConfig): FieldIssue[] {
  const ingestion = presentFields(config, INGESTION_ONLY);
  const legacy = presentFields(config, LEGACY_REQUIRED);
  const issues: FieldIssue[] = [];
  if (ingestion.length > 0 && legacy.length > 0) {
    for (const field of legacy) {
      issues.push({
        path: [field],
        message:
          `${field} belongs to the legacy Data Collector form and cannot be combined with Logs Ingestion API fields ` +
          `(${ingestion.join(', ')}); use one form`,
        type: 'value_error',
      });
    }
  } else if (legacy.length > 0) {
    for (const field of LEGACY_REQUIRED) {
      if (config[field] === undefined) {
        issues.push({ path: [field], message: 'Field required (legacy Data Collector form: workspace_id, shared_key, log_type)', type: 'missing' });
      }
    }
  } else {
    for (const field of INGESTION_REQUIRED) {
      if (config[field] === undefined) {
        issues.push({
          path: [field],
          message: `Field required (Logs Ingestion API form: ${INGESTION_REQUIRED.join(', ')}; or the legacy form: ${LEGACY_REQUIRED.join(', ')})`,
          type: 'missing',
        });
      }
    }
  }
  for (const field of URL_FIELDS) {
    const value = config[field];
    if (value !== undefined) issues.push(...baseUrlIssues(field, value));
  }
  return issues;
}

export function sentinelWarnings(config: SentinelConfig): string[] {
  return sentinelFormOf(config) === 'data_collector' ? [LEGACY_RETIREMENT_WARNING] : [];
}

/** The base URL requests go to: `endpoint_url`, else `dce_url` / the workspace's Data Collector host. */
export function sentinelBaseUrl(config: SentinelConfig): string {
  if (config.endpoint_url) return trimSlashes(config.endpoint_url);
  if (sentinelFormOf(config) === 'data_collector') return `https://${config.workspace_id}.ods.opinsights.azure.com`;
  return trimSlashes(config.dce_url ?? '');
}

/** Everything a sender needs, resolved once. Throws (with the validation text) for a config that is not valid. */
export function resolveSentinelSettings(config: SentinelConfig): SentinelSettings {
  const issues = validateSentinelConfig(config);
  if (issues.length > 0) {
    throw new Error(`invalid sentinel config: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const base = sentinelBaseUrl(config);
  if (sentinelFormOf(config) === 'data_collector') {
    return {
      form: 'data_collector',
      workspaceId: config.workspace_id!,
      sharedKey: Buffer.from(config.shared_key!, 'base64'),
      logType: config.log_type!,
      url: `${base}/api/logs?api-version=${DATA_COLLECTOR_API_VERSION}`,
    };
  }
  const authority = trimSlashes(config.authority_url ?? DEFAULT_AUTHORITY_URL);
  return {
    form: 'logs_ingestion',
    tenantId: config.tenant_id!,
    clientId: config.client_id!,
    clientSecret: config.client_secret!,
    tokenUrl: `${authority}/${encodeURIComponent(config.tenant_id!)}/oauth2/v2.0/token`,
    ingestionUrl:
      `${base}/dataCollectionRules/${encodeURIComponent(config.dcr_immutable_id!)}` +
      `/streams/${encodeURIComponent(config.stream_name!)}?api-version=${INGESTION_API_VERSION}`,
    gzip: config.compression !== 'none',
  };
}

function presentFields<K extends keyof SentinelConfig>(config: SentinelConfig, fields: readonly K[]): K[] {
  return fields.filter((f) => config[f] !== undefined);
}

function baseUrlIssues(field: string, value: string): FieldIssue[] {
  return checkEndpointUrl(field, value).issues;
}

function trimSlashes(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
