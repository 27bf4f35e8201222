import { describe, expect, it } from 'vitest';
import {
  azureErrorText,
  classifyDataCollectorResponse,
  classifyLogsIngestionResponse,
} from '../../../src/connectors/sentinel/classify.ts';
import type { HttpResponse } from '../../../src/connectors/shared/types.ts';

const NOW = Date.UTC(2026, 10, 21);
function response(status: number, body = '', headers: HttpResponse['headers'] = {}): HttpResponse {
  const buf = Buffer.from(body);
  return { status, statusText: '', headers, body: buf, text: () => buf.toString() };
}

describe('Azure error text', () => {
  it.each([
    ['Logs Ingestion body', response(403, '{"error":{"code":"OperationFailed","message":"no access"}}'), 'OperationFailed: no access'],
    ['Data Collector body', response(403, '{"Error":"InvalidAuthorization","Message":"bad sig"}'), 'InvalidAuthorization: bad sig'],
    ['header only', response(500, '', { 'x-ms-error-code': 'InternalServerError' }), 'InternalServerError'],
    ['header and body', response(400, '{"error":{"message":"bad record"}}', { 'x-ms-error-code': 'InvalidContent' }), 'InvalidContent: bad record'],
    ['plain text', response(502, '<html>bad gateway</html>'), undefined],
  ])('reads %s', (_what, res, expected) => {
    expect(azureErrorText(res)).toBe(expected);
  });
});

describe('Sentinel classification', () => {
  it.each([
    [204, 'success'],
    [200, 'success'],
    [400, 'permanent'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'permanent'],
    [413, 'too-large'],
    [429, 'retry'],
    [500, 'retry'],
    [501, 'permanent'],
    [503, 'retry'],
  ] as const)('Logs Ingestion %i → %s', (status, kind) => {
    expect(classifyLogsIngestionResponse(response(status), NOW).kind).toBe(kind);
  });

  it('keeps Retry-After and Azure’s text', () => {
    const res = response(429, '{"error":{"code":"TooManyRequests","message":"slow down"}}', { 'retry-after': '7' });
    expect(classifyLogsIngestionResponse(res, NOW)).toEqual({
      kind: 'retry',
      status: 429,
      retryAfterMs: 7000,
      message: 'HTTP 429 Too Many Requests: TooManyRequests: slow down',
    });
  });

  it('falls back to the raw text for the legacy API', () => {
    expect(classifyDataCollectorResponse(response(404, 'Not Found'), NOW)).toEqual({ kind: 'permanent', status: 404, message: 'HTTP 404 Not Found: Not Found' });
    expect(classifyDataCollectorResponse(response(200), NOW)).toEqual({ kind: 'success', status: 200, message: 'HTTP 200 OK' });
  });
});
