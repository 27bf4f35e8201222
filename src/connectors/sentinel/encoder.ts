/**
 * Sentinel encoders (pure). Both APIs take a JSON array of records; each record is the OCSF event with a
 * `TimeGenerated` column (ISO 8601, from OCSF `time`) spliced in as its first member, so the table's time is the
 * event's time rather than the receipt time.
 */
import { joinedBody } from '../shared/body-writer.ts';
import type { DeliveryEvent, EncodedRequest } from '../shared/types.ts';
import type { DataCollectorSettings, LogsIngestionSettings } from './config.ts';
import { rfc1123Date, sharedKeyAuthorization } from './shared-key-signature.ts';

export const TIME_GENERATED_FIELD = 'TimeGenerated';

/** The event's JSON with `"TimeGenerated":"<ISO>"` inserted after its opening brace (no parse/re-serialise). */
export function withTimeGenerated(event: DeliveryEvent): string {
  // An invalid `time` cannot be rendered; Azure then stamps the receipt time, which beats failing the batch.
  if (!Number.isFinite(event.time) || Math.abs(event.time) > 8.64e15) return event.json;
  const member = `"${TIME_GENERATED_FIELD}":"${new Date(event.time).toISOString()}"`;
  const rest = event.json.slice(1);
  return /^\s*}/.test(rest) ? `{${member}${rest}` : `{${member},${rest}`;
}

/** `[record,record,…]` as UTF-8. */
export function encodeRecordArray(events: readonly DeliveryEvent[]): Buffer {
  return joinedBody(events, withTimeGenerated, { separator: ',', open: '[', close: ']' });
}

/** Logs Ingestion API: POST the records to the DCR stream with an Entra ID bearer token. */
export function encodeLogsIngestionRequest(
  events: readonly DeliveryEvent[],
  settings: Pick<LogsIngestionSettings, 'ingestionUrl' | 'gzip'>,
  accessToken: string,
): EncodedRequest {
  return {
    method: 'POST',
    url: settings.ingestionUrl,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
    body: encodeRecordArray(events),
    gzip: settings.gzip,
    eventCount: events.length,
  };
}

/** Legacy Data Collector API: the same records, uncompressed, signed with the workspace key at `nowMs`. */
export function encodeDataCollectorRequest(
  events: readonly DeliveryEvent[],
  settings: Pick<DataCollectorSettings, 'url' | 'workspaceId' | 'sharedKey' | 'logType'>,
  nowMs: number,
): EncodedRequest {
  const body = encodeRecordArray(events);
  const date = rfc1123Date(nowMs);
  return {
    method: 'POST',
    url: settings.url,
    headers: {
      'Content-Type': 'application/json',
      'Log-Type': settings.logType,
      'x-ms-date': date,
      'time-generated-field': TIME_GENERATED_FIELD,
      Authorization: sharedKeyAuthorization(settings.workspaceId, settings.sharedKey, body.length, date),
    },
    body,
    gzip: false,
    eventCount: events.length,
  };
}
