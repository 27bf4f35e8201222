/**
 * Where a connector config sends to, as (config field, host, port, TLS or not), read from the connector's own
 * description of itself: every destination field holding a URL, and the endpoint it reports (`endpointOf`: a
 * site-derived intake host, a QRadar syslog target `tcp://host:514` …). A target is named by the config field an
 * admin would correct. Nothing here connects or resolves.
 */
import type { ConnectorDefinition } from '../connectors/shared/types.ts';

export interface EgressTarget {
  /** The config field that decides this target (e.g. `url`, `host`, `site`). */
  field: string;
  host: string;
  port: number;
  /** Plain http / tcp: refused by the egress policy unless the target is allowed. */
  plaintext: boolean;
}

const SCHEMES: Record<string, { plaintext: boolean; defaultPort?: number }> = {
  'https:': { plaintext: false, defaultPort: 443 },
  'http:': { plaintext: true, defaultPort: 80 },
  'tls:': { plaintext: false },
  'tcp:': { plaintext: true },
};
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

function targetOf(field: string, text: string): EgressTarget | undefined {
  if (!URL_LIKE.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const scheme = SCHEMES[url.protocol];
  const port = url.port ? Number(url.port) : scheme?.defaultPort;
  if (!scheme || port === undefined || !url.hostname) return undefined;
  return { field, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, plaintext: scheme.plaintext };
}

/** The distinct targets of a (schema-valid) config, in field order, the reported endpoint last. */
export function egressTargets(def: ConnectorDefinition<any>, config: Record<string, unknown>): EgressTarget[] {
  const targets: EgressTarget[] = [];
  const add = (t: EgressTarget | undefined) => {
    if (t && !targets.some((o) => o.host === t.host && o.port === t.port && o.plaintext === t.plaintext)) targets.push(t);
  };
  const fields = def.destinationFields.filter((f) => typeof config[f] === 'string');
  for (const field of fields) add(targetOf(field, config[field] as string));
  let endpoint: string | undefined;
  try {
    endpoint = def.endpointOf(config);
  } catch {
    endpoint = undefined;
  }
  if (endpoint) {
    const t = targetOf('', endpoint);
    if (t) {
      // The field whose value the endpoint's host came from (a bare QRadar host, a Datadog site, a workspace id).
      const host = t.host.toLowerCase();
      const source = fields.find((f) => {
        const value = (config[f] as string).toLowerCase();
        return value.length > 0 && (value.includes(host) || host.includes(value));
      });
      add({ ...t, field: source ?? def.destinationFields[0] });
    }
  }
  return targets;
}
