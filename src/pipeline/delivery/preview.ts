/**
 * GET …/preview: the exact request(s) a connector would send for one sample event (`connector.encode`), with
 * credentials redacted: headers that carry auth by name, and any header, URL or body text containing one of the
 * destination's credentials in any form its redactor knows (the Sumo Logic URL is itself a secret; an
 * `auth_header` secret is "Name: value").
 */
import { connectorCatalog } from '../../connectors/catalog.ts';
import type { ConnectorDeps, ConnectorType, DeliveryEvent } from '../../connectors/shared/types.ts';
import { instantiateConnector } from '../../connectors/shared/redacting-connector.ts';
import { REDACTED, secretRedactor, type SecretRedactor } from '../../connectors/shared/secret-redactor.ts';
import { syntheticTestEvent } from '../../ocsf/test-event.ts';

/** Headers that carry credentials or are derived from them, whatever their value looks like. */
const AUTH_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'dd-api-key', 'dd-application-key', 'x-siemstream-signature']);

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
  const redactor = secretRedactor(def, config);
  // Throws redacted when the connector cannot be built.
  const connector = instantiateConnector(def, config, deps, redactor);
  try {
    return {
      event: JSON.parse(sample.json) as Record<string, unknown>,
      requests: connector.encode([sample]).map((r) => ({
        method: r.method,
        url: redactUrl(r.url, redactor),
        headers: redactHeaders(r.headers, redactor),
        body: redactor.redact(r.body.toString('utf8')),
        gzip: r.gzip,
        event_count: r.eventCount,
      })),
    };
  } finally {
    await connector.close().catch(() => {});
  }
}

export function redactHeaders(headers: Record<string, string>, redactor: SecretRedactor): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = AUTH_HEADERS.has(name.toLowerCase()) || redactor.redact(value) !== value ? REDACTED : value;
  }
  return out;
}

export function redactUrl(url: string, redactor: SecretRedactor): string {
  if (redactor.secrets.includes(url)) {
    // The whole URL is the secret (Sumo Logic): show where it goes, not the token path.
    try {
      return `${new URL(url).origin}/${REDACTED}`;
    } catch {
      return REDACTED;
    }
  }
  return redactor.redact(url);
}
