/**
 * Cortex XSIAM collector wire format (protocols.md §6.1): one POST to {tenant}/logs/v1/event, the raw collector key
 * as `Authorization` (no scheme), events separated by newlines — NDJSON, never a JSON array (an array is accepted
 * but lands as one `_raw_log` string). No trailing newline, as Palo Alto's own helper joins with "\n". Pure.
 */
import { joinedEventsBody } from '../shared/body-writer.ts';
import type { DeliveryEvent, EncodedRequest } from '../shared/types.ts';

export interface XsiamEncoderSettings {
  /** Full collector URL (see collectorUrl). */
  url: string;
  apiKey: string;
  gzip: boolean;
}

export function encodeXsiamBatch(events: readonly DeliveryEvent[], settings: XsiamEncoderSettings): EncodedRequest {
  return {
    method: 'POST',
    url: settings.url,
    headers: { Authorization: settings.apiKey, 'Content-Type': 'application/json' },
    body: joinedEventsBody(events, { separator: '\n' }),
    gzip: settings.gzip,
    eventCount: events.length,
  };
}
