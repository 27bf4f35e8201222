/**
 * Elasticsearch `_bulk` body: per event one `create` action line (`_id` = metadata.uid, so a redelivery answers
 * 409 and is counted as delivered) and one source line — the stored event JSON with `@timestamp` spliced in
 * front — each ending in `\n` (the body must end with a newline). `create` is the only action data streams accept.
 * Plain `application/x-ndjson` is used: every 7.x–9.x cluster accepts it (protocols.md §10).
 */
import type { ConnectorLimits, DeliveryEvent, EncodedRequest } from '../shared/types.ts';
import { bulkUrl, elasticAuthorization, targetIndex, type ElasticConfig } from './config.ts';

export const elasticLimits: ConnectorLimits = {
  maxEventsPerRequest: 10_000,
  maxRequestBytes: 10_000_000,
  maxEventBytes: 5_000_000,
};

/**
 * `{"@timestamp":"…",<rest of the event>}`. The stored JSON is spliced, not re-serialised; only text that is not a
 * single-line object (pretty-printed, leading whitespace) is normalised, since a raw newline would break NDJSON.
 * An event that already has a top-level `@timestamp` keeps it: a duplicate key would be a parse error.
 */
export function elasticSource(event: DeliveryEvent): string {
  let json = event.json;
  if (json.charCodeAt(0) !== 0x7b /* { */ || json.includes('\n') || json.includes('\r')) {
    json = JSON.stringify(JSON.parse(json));
  }
  // The substring test is the cheap common path; only a hit (maybe nested, maybe a value) needs the parse.
  if (json.includes('"@timestamp"') && Object.hasOwn(JSON.parse(json) as object, '@timestamp')) return json;
  const timestamp = new Date(event.time).toISOString();
  return json === '{}' ? `{"@timestamp":"${timestamp}"}` : `{"@timestamp":"${timestamp}",${json.slice(1)}`;
}

export function createElasticEncoder(config: ElasticConfig): (events: readonly DeliveryEvent[]) => EncodedRequest[] {
  const url = bulkUrl(config);
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-ndjson',
    Accept: 'application/json',
  };
  const authorization = elasticAuthorization(config);
  if (authorization) headers.Authorization = authorization;
  const gzip = (config.compression ?? 'gzip') === 'gzip';
  const actionPrefix = `{"create":{"_index":${JSON.stringify(targetIndex(config))},"_id":`;

  return (events) => {
    if (events.length === 0) return [];
    const lines = new Array<string>(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      lines[i] = `${actionPrefix}${JSON.stringify(e.uid)}}}\n${elasticSource(e)}\n`;
    }
    return [
      {
        method: 'POST',
        url,
        headers: { ...headers },
        body: Buffer.from(lines.join(''), 'utf8'),
        gzip,
        eventCount: events.length,
      },
    ];
  };
}
