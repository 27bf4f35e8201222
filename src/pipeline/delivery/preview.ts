/**
 * GET …/preview: the exact request(s) a connector would send for one sample event (`connector.encode`), with
 * credentials redacted: headers that carry auth by name, and any header, URL or body text containing a secret
 * field's value (the Sumo Logic URL is itself a secret; an `auth_header` secret is "Name: value").
 */
import { connectorCatalog } from '../../connectors/catalog.ts';
import type { ConnectorDeps, ConnectorType, DeliveryEvent } from '../../connectors/shared/types.ts';
import { syntheticTestEvent } from '../../ocsf/test-event.ts';

export const REDACTED = '[REDACTED]';

/** Headers that carry credentials or are derived from them, whatever their value looks like. */
const AUTH_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'dd-api-key', 'dd-application-key', 'x-siemstream-signature']);

/** Secrets shorter than this are not searched for in text (they would match by accident; they are still in AUTH_HEADERS). */
const MIN_SECRET_LENGTH = 4;

export interface PreviewRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The uncompressed body as UTF-8 text. */
  body: string;
  /** Whether the body goes out gzip-compressed (Content-Encoding: gzip added at send time). */
  gzip: boolean;
  event_count: number;
}

export interface Preview {
  event: Record<string, unknown>;
  requests: PreviewRequest[];
}

export function sampleDeliveryEvent(opts: { orgId?: string; connectorType: string; now: number }): DeliveryEvent {
  const e = syntheticTestEvent({ orgId: opts.orgId, connectorType: opts.connectorType, now: opts.now });
  return { uid: e.metadata.uid, time: e.time, classUid: e.class_uid, severityId: e.severity_id, json: JSON.stringify(e) };
}

/** Throws when the connector cannot be instantiated (the caller answers 422). */
export async function previewRequests(
  connectorType: ConnectorType,
  config: Record<string, unknown>,
  deps: ConnectorDeps,
  opts: { orgId?: string; now: number },
): Promise<Preview> {
  const def = connectorCatalog[connectorType];
  const sample = sampleDeliveryEvent({ orgId: opts.orgId, connectorType, now: opts.now });
  const secrets = secretFragments(def.secretFields.map((f) => config[f]));
  let connector;
  try {
    connector = def.create(config, deps);
  } catch (err) {
    throw new Error(redactText((err as Error).message ?? String(err), secrets));
  }
  try {
    return {
      event: JSON.parse(sample.json) as Record<string, unknown>,
      requests: connector.encode([sample]).map((r) => ({
        method: r.method,
        url: redactUrl(r.url, secrets),
        headers: redactHeaders(r.headers, secrets),
        body: redactText(r.body.toString('utf8'), secrets),
        gzip: r.gzip,
        event_count: r.eventCount,
      })),
    };
  } finally {
    await connector.close().catch(() => {});
  }
}

/** Secret values to look for, plus the value part of "Name: value" secrets; longest first. */
export function secretFragments(values: readonly unknown[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string') continue;
    out.add(v);
    const colon = v.indexOf(':');
    if (colon > 0) out.add(v.slice(colon + 1).trim());
  }
  return [...out].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

export function redactHeaders(headers: Record<string, string>, secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = AUTH_HEADERS.has(name.toLowerCase()) || secrets.some((s) => value.includes(s)) ? REDACTED : value;
  }
  return out;
}

export function redactUrl(url: string, secrets: readonly string[]): string {
  for (const s of secrets) {
    if (url === s) {
      // The whole URL is the secret (Sumo Logic): show where it goes, not the token path.
      try {
        return `${new URL(url).origin}/${REDACTED}`;
      } catch {
        return REDACTED;
      }
    }
  }
  return redactText(url, secrets);
}

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}
