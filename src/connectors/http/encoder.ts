/**
 * Generic HTTP collector wire format: one POST per batch, the events' JSON spliced into a JSON array or NDJSON,
 * optional Bearer / custom auth header, custom headers, and an optional Svix-style body signature (README.md).
 * Pure: the request id and timestamp of the signature are passed in.
 */
import { createHmac } from 'node:crypto';
import { joinedEventsBody } from '../shared/body-writer.ts';
import type { DeliveryEvent, EncodedRequest } from '../shared/types.ts';

export type HttpBodyFormat = 'json_array' | 'ndjson';

export interface HttpEncoderSettings {
  url: string;
  format: HttpBodyFormat;
  gzip: boolean;
  apiKey?: string;
  /** Parsed `auth_header`: [name, value]. */
  authHeader?: [string, string];
  headers: Record<string, string>;
  hmacSecret?: string;
}

/** What makes one request's signature unique: a fresh id and the signing time (unix seconds). */
export interface RequestStamp {
  id: string;
  timestamp: number;
}

const CONTENT_TYPE: Record<HttpBodyFormat, string> = {
  json_array: 'application/json',
  ndjson: 'application/x-ndjson',
};

export function encodeHttpBatch(
  events: readonly DeliveryEvent[],
  settings: HttpEncoderSettings,
  stamp: RequestStamp,
): EncodedRequest {
  const body =
    settings.format === 'ndjson'
      ? joinedEventsBody(events, { separator: '\n', close: '\n' })
      : joinedEventsBody(events, { separator: ',', open: '[', close: ']' });

  const headers: Record<string, string> = { ...settings.headers };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = CONTENT_TYPE[settings.format];
  }
  if (settings.apiKey !== undefined) headers.Authorization = `Bearer ${settings.apiKey}`;
  if (settings.authHeader) headers[settings.authHeader[0]] = settings.authHeader[1];
  if (settings.hmacSecret !== undefined) {
    headers['X-Siemstream-Id'] = stamp.id;
    headers['X-Siemstream-Timestamp'] = String(stamp.timestamp);
    headers['X-Siemstream-Signature'] = signBody(settings.hmacSecret, stamp, body);
  }
  return { method: 'POST', url: settings.url, headers, body, gzip: settings.gzip, eventCount: events.length };
}

/** `v1=<hex HMAC-SHA256(secret, id + "." + timestamp + "." + body)>`, body = the uncompressed bytes. */
export function signBody(secret: string, stamp: RequestStamp, body: Buffer): string {
  const mac = createHmac('sha256', secret).update(`${stamp.id}.${stamp.timestamp}.`, 'utf8').update(body).digest('hex');
  return `v1=${mac}`;
}

