/**
 * Datadog Logs v2 body: a JSON array of log items. Each item carries the reserved attributes we set ourselves
 * (`ddsource`, `service`, `hostname`, `ddtags`, `timestamp`, `status`) and the OCSF event as a JSON *string* in
 * `message`: Datadog parses JSON messages into attributes, while spreading OCSF over the item root would collide
 * with reserved names (OCSF `service` is an object; protocols.md §10).
 */
import { joinedBody } from '../shared/body-writer.ts';
import type { ConnectorLimits, DeliveryEvent, EncodedRequest } from '../shared/types.ts';
import { DEFAULT_SOURCE, intakeUrl, type DatadogConfig } from './config.ts';

export const datadogLimits: ConnectorLimits = {
  maxEventsPerRequest: 1000,
  maxRequestBytes: 5_000_000,
  maxEventBytes: 1_000_000,
};

/** OCSF severity_id → Datadog status. Unknown (0) and Other (99) read as plain info. */
const STATUS_BY_SEVERITY: Record<number, string> = {
  0: 'info',
  1: 'info',
  2: 'notice',
  3: 'warning',
  4: 'error',
  5: 'critical',
  6: 'emergency',
  99: 'info',
};

export function datadogStatus(severityId: number): string {
  return STATUS_BY_SEVERITY[severityId] ?? 'info';
}

/** Builds the encoder once per config: the attributes common to every item are serialised a single time. */
export function createDatadogEncoder(config: DatadogConfig): (events: readonly DeliveryEvent[]) => EncodedRequest[] {
  const url = intakeUrl(config);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'DD-API-KEY': config.api_key,
  };
  const gzip = (config.compression ?? 'gzip') === 'gzip';
  // `{"ddsource":"ocsf","service":"…","hostname":"…","ddtags":"…",` — fixed per config.
  let itemPrefix = `{"ddsource":${JSON.stringify(config.source ?? DEFAULT_SOURCE)}`;
  if (config.service !== undefined) itemPrefix += `,"service":${JSON.stringify(config.service)}`;
  if (config.hostname !== undefined) itemPrefix += `,"hostname":${JSON.stringify(config.hostname)}`;
  if (config.tags !== undefined) itemPrefix += `,"ddtags":${JSON.stringify(config.tags)}`;

  return (events) => {
    if (events.length === 0) return [];
    // JSON.stringify of the stored text escapes it into a JSON string; the event itself is never parsed.
    const item = (e: DeliveryEvent) => `${itemPrefix},"timestamp":${e.time},"status":"${datadogStatus(e.severityId)}","message":${JSON.stringify(e.json)}}`;
    return [
      {
        method: 'POST',
        url,
        headers: { ...headers },
        body: joinedBody(events, item, { separator: ',', open: '[', close: ']' }),
        gzip,
        eventCount: events.length,
      },
    ];
  };
}
