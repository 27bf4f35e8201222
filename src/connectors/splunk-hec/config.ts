/** Splunk HEC config (SPEC §3): schema, secrets, defaults, and the base URL every request is built on. */
import { Type, type Static } from 'typebox';
import { connectorConfigSchema, HttpUrl, NonEmpty, checkEndpointUrl, commonDestinationFields } from '../shared/config-schema.ts';
import type { FieldIssue } from '../shared/types.ts';

export const splunkHecConfigSchema = connectorConfigSchema(
  {
    url: HttpUrl('HEC base URL, e.g. https://splunk.example.com:8088 (a /services/collector… path is accepted and ignored)'),
    token: Type.String({ minLength: 1, maxLength: 512, pattern: '^\\S+$', description: 'HEC token, without the "Splunk " prefix' }),
    index: Type.Optional(NonEmpty('Splunk index (must be allowed for the token)', 256)),
    source: Type.Optional(NonEmpty('Splunk source', 1024)),
    sourcetype: Type.Optional(NonEmpty('Splunk sourcetype (default "ocsf")', 1024)),
    host: Type.Optional(NonEmpty('Splunk host field', 1024)),
    ack: Type.Optional(Type.Boolean({ description: 'Wait for indexer acknowledgement before counting a batch delivered (default false)' })),
    compression: Type.Optional(Type.Enum(['gzip', 'none'], { description: 'Request compression (default gzip)' })),
  },
  'Splunk HTTP Event Collector',
);

export type SplunkHecConfig = Static<typeof splunkHecConfigSchema>;

export const splunkHecSecretFields = ['token'] as const;
/** Where the token goes. */
export const splunkHecDestinationFields = ['url', ...commonDestinationFields] as const;

export const DEFAULT_SOURCETYPE = 'ocsf';

// What users paste: the base, or any HEC data path (with its /1.0 alias), possibly with trailing slashes.
const COLLECTOR_PATH = /\/services\/collector(?:\/event(?:\/1\.0)?|\/raw(?:\/1\.0)?)?\/*$/i;

/** `https://h:8088/services/collector/event/` → `https://h:8088` (a proxy path prefix is kept). */
export function hecBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(COLLECTOR_PATH, '').replace(/\/+$/, '');
}

/** Checks the schema cannot express. */
export function validateSplunkHecConfig(config: SplunkHecConfig): FieldIssue[] {
  return checkEndpointUrl('url', config.url, { credentialsHint: 'use the token field' }).issues;
}
