/**
 * The legacy Data Collector API's SharedKey authorization (protocols.md §4a):
 *   StringToSign = "POST\n" + Content-Length + "\napplication/json\nx-ms-date:" + date + "\n/api/logs"
 *   Signature    = Base64(HMAC-SHA256(Base64Decode(workspace key), UTF8(StringToSign)))
 */
import { createHmac } from 'node:crypto';

export function dataCollectorStringToSign(contentLength: number, xMsDate: string): string {
  return `POST\n${contentLength}\napplication/json\nx-ms-date:${xMsDate}\n/api/logs`;
}

/** `key` is the base64-DECODED workspace key. */
export function sharedKeySignature(key: Buffer, contentLength: number, xMsDate: string): string {
  return createHmac('sha256', key).update(dataCollectorStringToSign(contentLength, xMsDate), 'utf8').digest('base64');
}

export function sharedKeyAuthorization(workspaceId: string, key: Buffer, contentLength: number, xMsDate: string): string {
  return `SharedKey ${workspaceId}:${sharedKeySignature(key, contentLength, xMsDate)}`;
}

/** RFC 1123 date as `x-ms-date` wants it, e.g. "Mon, 04 Apr 2016 08:00:00 GMT". */
export function rfc1123Date(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}
