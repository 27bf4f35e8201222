/** Elasticsearch config (SPEC §3, protocols.md §3): schema, secrets, defaults, auth header and bulk URL. */
import { Type, type Static } from 'typebox';
import { connectorConfigSchema, HttpUrl, NonEmpty, checkEndpointUrl, commonDestinationFields } from '../shared/config-schema.ts';
import type { FieldIssue } from '../shared/types.ts';

// Elasticsearch index / data stream names: lowercase, no \ / * ? " < > | space , #, not starting with - _ +, not . or ..
const INDEX_PATTERN = '^(?![-_+])(?!\\.{1,2}$)[^A-Z\\\\/*?"<>| ,#:]{1,255}$';

export const elasticConfigSchema = connectorConfigSchema(
  {
    host: HttpUrl('Elasticsearch base URL, e.g. https://elastic.example.com:9200 (a proxy path prefix is kept)'),
    api_key: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9+/=_-]+$', description: 'API key: the base64 "encoded" value (base64 of id:api_key)' }),
    ),
    username: Type.Optional(NonEmpty('Basic auth user (with password, instead of api_key)', 512)),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Basic auth password' })),
    index: Type.Optional(Type.String({ pattern: INDEX_PATTERN, description: 'Target index, alias or data stream (default "ocsf-events")' })),
    data_stream: Type.Optional(
      Type.Boolean({
        description:
          'Write to a data stream: default target `logs-ocsf-default` (matched by Elasticsearch\'s built-in logs-*-* template, so the stream is created on first write); documents carry @timestamp and use `create`, as always',
      }),
    ),
    pipeline: Type.Optional(NonEmpty('Ingest pipeline to run on every document', 512)),
    compression: Type.Optional(Type.Enum(['gzip', 'none'], { description: 'Request compression (default gzip)' })),
  },
  'Elasticsearch _bulk API',
);

export type ElasticConfig = Static<typeof elasticConfigSchema>;

export const elasticSecretFields = ['api_key', 'password'] as const;
/** Where the API key or password goes. */
export const elasticDestinationFields = ['host', ...commonDestinationFields] as const;

export const DEFAULT_INDEX = 'ocsf-events';
/** `logs-<dataset>-<namespace>`: the naming Elasticsearch's built-in `logs-*-*` index template turns into a data stream. */
export const DEFAULT_DATA_STREAM = 'logs-ocsf-default';

/** Where documents go: the configured index, else the default index or data stream. */
export function targetIndex(config: ElasticConfig): string {
  return config.index ?? (config.data_stream ? DEFAULT_DATA_STREAM : DEFAULT_INDEX);
}

/** `https://es:9200/` or a pasted `…/_bulk` → `https://es:9200` (a path prefix of a reverse proxy is kept). */
export function elasticBaseUrl(config: ElasticConfig): string {
  return config.host.trim().replace(/\/+$/, '').replace(/\/_bulk$/, '').replace(/\/+$/, '');
}

export function bulkUrl(config: ElasticConfig): string {
  const base = `${elasticBaseUrl(config)}/_bulk`;
  return config.pipeline ? `${base}?pipeline=${encodeURIComponent(config.pipeline)}` : base;
}

/** The Authorization header, or undefined for a cluster without security. */
export function elasticAuthorization(config: ElasticConfig): string | undefined {
  if (config.api_key) return `ApiKey ${config.api_key}`;
  if (config.username !== undefined && config.password !== undefined) {
    return `Basic ${Buffer.from(`${config.username}:${config.password}`, 'utf8').toString('base64')}`;
  }
  return undefined;
}

/** Exactly one auth form (or none), and a host URL without a query, fragment or inline credentials. */
export function validateElasticConfig(config: ElasticConfig): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const hasBasic = config.username !== undefined || config.password !== undefined;
  if (config.api_key !== undefined && hasBasic) {
    issues.push({ path: ['api_key'], message: 'Use either api_key or username + password, not both', type: 'value_error' });
  } else if (config.username !== undefined && config.password === undefined) {
    issues.push({ path: ['password'], message: 'Field required when username is set', type: 'missing' });
  } else if (config.password !== undefined && config.username === undefined) {
    issues.push({ path: ['username'], message: 'Field required when password is set', type: 'missing' });
  }
  if (config.api_key !== undefined && !isEncodedApiKey(config.api_key)) {
    issues.push({
      path: ['api_key'],
      message: 'Expected the base64 "encoded" API key (base64 of "id:api_key"), as returned by POST /_security/api_key',
      type: 'value_error',
    });
  }
  issues.push(...checkEndpointUrl('host', config.host, { credentialsHint: 'use api_key or username + password' }).issues);
  return issues;
}

/** The "encoded" form decodes to `id:key`; a bare key (no colon inside) is the most common paste mistake. */
function isEncodedApiKey(value: string): boolean {
  const normalized = value.replace(/-/g, '+').replace(/_/g, '/');
  const decoded = Buffer.from(normalized, 'base64').toString('utf8');
  return /^[^:\s]+:\S+$/.test(decoded);
}
