/** Cortex XSIAM HTTP log collector config (SPEC §3, protocols.md §6.1): schema, secrets and the collector URL. */
import { Type, type Static } from 'typebox';
import { connectorConfigSchema, HttpUrl, NonEmpty, checkEndpointUrl, commonDestinationFields } from '../shared/config-schema.ts';
import type { FieldIssue } from '../shared/types.ts';

export const cortexXsiamConfigSchema = connectorConfigSchema(
  {
    url: HttpUrl(
      'Tenant API URL of the HTTP log collector, e.g. https://api-acme.xdr.us.paloaltonetworks.com ' +
        '(a trailing /logs/v1/event is accepted)',
    ),
    api_key: Type.String({
      minLength: 1,
      maxLength: 4096,
      pattern: '^\\S+$',
      description: 'HTTP log collector API key, sent as the raw Authorization header (no scheme)',
    }),
    // Accepted because the Arbitex surface documents it, but never sent: the log collector authenticates with its
    // own key alone. `x-xdr-auth-id` belongs to the public (management) API, not to /logs/v1/event (protocols.md §6).
    api_key_id: Type.Optional(NonEmpty('Public-API key id (accepted for compatibility; unused by the log collector)', 256)),
    compression: Type.Optional(
      Type.Enum(['none', 'gzip'], { description: 'Must match the collector setting in XSIAM (default none)' }),
    ),
  },
  'Palo Alto Cortex XSIAM HTTP log collector',
);

export type CortexXsiamConfig = Static<typeof cortexXsiamConfigSchema>;

export const cortexXsiamSecretFields = ['api_key'] as const;
/** Where the API key goes. */
export const cortexXsiamDestinationFields = ['url', ...commonDestinationFields] as const;

const COLLECTOR_PATH = '/logs/v1/event';

/**
 * `https://api-acme.xdr.us.paloaltonetworks.com/` → `https://api-acme.xdr.us.paloaltonetworks.com/logs/v1/event`.
 * A pasted full collector URL is kept as is. A Palo Alto tenant UI URL (`https://acme.xdr.us.paloaltonetworks.com`,
 * the form the Arbitex document shows) gets the `api-` prefix the collector endpoint lives under.
 */
export function collectorUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return url; // not a URL: validation reports it; shown as given
  }
  if (/\.paloaltonetworks\.com$/i.test(parsed.hostname) && !/^api-/i.test(parsed.hostname)) {
    parsed.hostname = `api-${parsed.hostname}`;
  }
  const base = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
  return base.toLowerCase().endsWith(COLLECTOR_PATH) ? base : `${base}${COLLECTOR_PATH}`;
}

export function validateCortexXsiamConfig(config: CortexXsiamConfig): FieldIssue[] {
  return checkEndpointUrl('url', config.url, { credentialsHint: 'use the api_key field' }).issues;
}
