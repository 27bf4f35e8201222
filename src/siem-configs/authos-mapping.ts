/**
 * The AuthOS surface speaks `provider_type` + `endpoint_url` + `api_key` + `auth_header`; the model speaks
 * connector types and configs. This file is the whole translation, both ways.
 */
import type { ConnectorType } from '../connectors/shared/types.ts';

export const AUTHOS_PROVIDERS = { datadog: 'Datadog', splunk: 'Splunk', elastic: 'Elastic', custom: 'Custom' } as const;

const providerToConnector: Record<string, ConnectorType> = {
  datadog: 'datadog',
  splunk: 'splunk_hec',
  elastic: 'elastic',
  custom: 'http',
};

/** provider_type shown for every connector type (configs created on the Arbitex surface are visible here too). */
const connectorToProvider: Record<ConnectorType, string> = {
  datadog: 'Datadog',
  splunk_hec: 'Splunk',
  elastic: 'Elastic',
  http: 'Custom',
  sentinel: 'Sentinel',
  sumo_logic: 'SumoLogic',
  cortex_xsiam: 'CortexXSIAM',
  qradar: 'QRadar',
};

/** Case-insensitive; undefined for an unknown provider. */
export function connectorTypeForProvider(provider: string): ConnectorType | undefined {
  return providerToConnector[provider.trim().toLowerCase()];
}

export function providerForConnectorType(type: string): string {
  return connectorToProvider[type as ConnectorType] ?? type;
}

/** `null` for a secret: remove it; a secret left out of an update is kept (siem-configs/secret-reentry.ts). */
export interface AuthosConnectionFields {
  endpoint_url?: string;
  api_key?: string | null;
  auth_header?: string | null;
}

/**
 * Builds the connector config from AuthOS fields, on top of an existing config for updates. `existing` holds no
 * secrets: the service keeps the stored ones that are not given, while the destination stays the same.
 */
export function authosToConfig(
  type: ConnectorType,
  f: AuthosConnectionFields,
  existing: Record<string, unknown> = {},
): Record<string, unknown> {
  const c: Record<string, unknown> = { ...existing };
  const set = (key: string, v: string | null | undefined) => {
    if (v !== undefined) c[key] = v;
  };
  switch (type) {
    case 'datadog':
      set('endpoint_url', f.endpoint_url);
      set('api_key', f.api_key);
      break;
    case 'splunk_hec':
      set('url', f.endpoint_url);
      set('token', f.api_key);
      break;
    case 'elastic':
      set('host', f.endpoint_url);
      set('api_key', f.api_key);
      break;
    case 'http':
      set('url', f.endpoint_url);
      set('api_key', f.api_key);
      set('auth_header', f.auth_header);
      break;
    default:
      break;
  }
  return c;
}
