/** Datadog Logs config (SPEC §3, protocols.md §2): schema, secrets, defaults, and the intake / validate URLs. */
import { Type, type Static } from 'typebox';
import { connectorConfigSchema, HttpUrl, NonEmpty, checkEndpointUrl, commonDestinationFields } from '../shared/config-schema.ts';
import type { FieldIssue } from '../shared/types.ts';

/** The sites Datadog documents (protocols.md §2.1). Other hostnames are accepted when they look like a site. */
export const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'uk1.datadoghq.com',
  'ddog-gov.com',
  'us2.ddog-gov.com',
] as const;

const SITE_PATTERN = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$';

export const datadogConfigSchema = connectorConfigSchema(
  {
    api_key: Type.String({ minLength: 1, maxLength: 256, pattern: '^\\S+$', description: 'Datadog API key (not an application key)' }),
    site: Type.Optional(
      Type.String({ maxLength: 253, pattern: SITE_PATTERN, description: `Datadog site (default datadoghq.com), e.g. ${DATADOG_SITES.join(', ')}` }),
    ),
    service: Type.Optional(NonEmpty('Datadog `service` of every log', 256)),
    source: Type.Optional(NonEmpty('Datadog `ddsource` of every log (default "ocsf")', 256)),
    tags: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4096, pattern: '^[^\\s,]+(,[^\\s,]+)*$', description: 'Datadog tags of every log, comma-separated "key:value" ("env:prod,team:sec")' }),
    ),
    hostname: Type.Optional(NonEmpty('Datadog `hostname` of every log', 256)),
    endpoint_url: Type.Optional(
      HttpUrl('Full intake URL; overrides the site-derived https://http-intake.logs.{site}/api/v2/logs'),
    ),
    compression: Type.Optional(Type.Enum(['gzip', 'none'], { description: 'Request compression (default gzip)' })),
  },
  'Datadog Logs intake (HTTP API v2)',
);

export type DatadogConfig = Static<typeof datadogConfigSchema>;

export const datadogSecretFields = ['api_key'] as const;
/** Where the API key goes: the site-derived hosts, or the endpoint URL that overrides them. */
export const datadogDestinationFields = ['site', 'endpoint_url', ...commonDestinationFields] as const;

export const DEFAULT_SITE = 'datadoghq.com';
export const DEFAULT_SOURCE = 'ocsf';

const INTAKE_HOST_PREFIX = 'http-intake.logs.';

/** Where logs go: `endpoint_url` exactly as given, else the site's v2 intake. */
export function intakeUrl(config: DatadogConfig): string {
  return config.endpoint_url ?? `https://${INTAKE_HOST_PREFIX}${config.site ?? DEFAULT_SITE}/api/v2/logs`;
}

/**
 * Where the API key is validated: `https://api.{site}/api/v1/validate`. With an `endpoint_url` on an intake host,
 * the `http-intake.logs.` prefix becomes `api.` (scheme and port kept); any other host (a proxy, a relay) is asked
 * at its own origin.
 */
export function validateUrl(config: DatadogConfig): string {
  if (!config.endpoint_url) return `https://api.${config.site ?? DEFAULT_SITE}/api/v1/validate`;
  const url = new URL(config.endpoint_url);
  if (url.hostname.toLowerCase().startsWith(INTAKE_HOST_PREFIX)) {
    url.hostname = `api.${url.hostname.slice(INTAKE_HOST_PREFIX.length)}`;
  }
  return `${url.origin}/api/v1/validate`;
}

/** Checks the schema cannot express: a UI or intake host pasted as the site, a malformed endpoint URL. */
export function validateDatadogConfig(config: DatadogConfig): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const site = config.site;
  if (site !== undefined && /^(app|api|http-intake\.logs)\./.test(site)) {
    const bare = site.replace(/^(app|api|http-intake\.logs)\./, '');
    issues.push({ path: ['site'], message: `Use the site without a host prefix, e.g. "${bare}"`, type: 'value_error' });
  }
  if (config.endpoint_url !== undefined) {
    issues.push(...checkEndpointUrl('endpoint_url', config.endpoint_url, { allowQuery: true, credentialsHint: 'use the api_key field' }).issues);
  }
  return issues;
}
