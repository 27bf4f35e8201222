/**
 * `config_summary` of the registry API (seed 001): "non-sensitive fields only — credentials are never included".
 * Kept to what is certainly not a credential, also for entries that failed validation (where a secret may sit
 * in a misspelt field): fields the connector's schema declares, minus its `secretFields` (the Sumo Logic URL
 * is one), scalar values only, and URLs without user-info, query or fragment.
 */
import { connectorCatalog, isConnectorType } from '../connectors/catalog.ts';

export function configSummary(connectorType: string, config: Record<string, unknown>): Record<string, unknown> {
  if (!isConnectorType(connectorType)) return {};
  const def = connectorCatalog[connectorType];
  const declared = def.configSchema.properties as Record<string, unknown>;
  const summary: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!Object.prototype.hasOwnProperty.call(declared, key) || def.secretFields.includes(key)) continue;
    if (typeof value === 'string') summary[key] = withoutUrlCredentials(value);
    else if (typeof value === 'number' || typeof value === 'boolean') summary[key] = value;
  }
  return summary;
}

function withoutUrlCredentials(value: string): string {
  if (!/^https?:\/\//i.test(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value.replace(/^(https?:\/\/)[^/?#]*@/i, '$1').replace(/[?#].*$/, '');
  }
  // Left as written when clean, so the summary shows the operator's own text.
  if (!url.username && !url.password && !url.search && !url.hash) return value;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.toString();
}
