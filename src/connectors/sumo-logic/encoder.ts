/**
 * Sumo Logic encoder (pure): one OCSF event per line (NDJSON, each line newline-terminated), metadata in the
 * X-Sumo-* headers. No Content-Type: Sumo treats a body without one as logs (metrics need their own types).
 */
import { joinedBody } from '../shared/body-writer.ts';
import type { DeliveryEvent, EncodedRequest } from '../shared/types.ts';
import type { SumoLogicConfig } from './config.ts';

/** `k=v,k2=v2` (the schema keeps `,` and `=` out of names and values). */
export function renderSumoFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The headers every request of this config carries. */
export function sumoHeaders(config: SumoLogicConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  if (config.category) headers['X-Sumo-Category'] = config.category;
  if (config.source_name) headers['X-Sumo-Name'] = config.source_name;
  if (config.source_host) headers['X-Sumo-Host'] = config.source_host;
  const fields = config.fields ? renderSumoFields(config.fields) : '';
  if (fields) headers['X-Sumo-Fields'] = fields;
  return headers;
}

/** One line per event. A raw line break can only be insignificant JSON whitespace, so it is dropped. */
export function sumoLine(event: DeliveryEvent): string {
  return /[\r\n]/.test(event.json) ? event.json.replace(/[\r\n]+/g, '') : event.json;
}

export function createSumoLogicEncoder(config: SumoLogicConfig): (events: readonly DeliveryEvent[]) => EncodedRequest {
  const headers = sumoHeaders(config);
  const gzip = config.compression !== 'none';
  return (events) => ({
    method: 'POST',
    url: config.url,
    headers: { ...headers },
    body: events.length === 0 ? Buffer.alloc(0) : joinedBody(events, sumoLine, { separator: '\n', close: '\n' }),
    gzip,
    eventCount: events.length,
  });
}
