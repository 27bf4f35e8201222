import { describe, expect, it } from 'vitest';
import { classifyDatadogResponse, datadogErrorText } from '../../../src/connectors/datadog/classify.ts';
import type { HttpResponse } from '../../../src/connectors/shared/types.ts';

const NOW = 1_700_000_000_000;

function response(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, statusText: '', headers, body: Buffer.from(body), text: () => body };
}

const ddError = (status: number, title: string, detail: string) =>
  JSON.stringify({ errors: [{ status: String(status), title, detail }] });

describe('datadog classify', () => {
  it.each([
    [202, '{}', 'success'],
    [200, '{}', 'success'],
    [400, ddError(400, 'Bad Request', 'Malformed JSON'), 'permanent'],
    [401, ddError(401, 'Unauthorized', 'API key is missing'), 'auth'],
    [403, ddError(403, 'Forbidden', 'Forbidden'), 'auth'],
    [408, ddError(408, 'Request Timeout', 'timeout'), 'retry'],
    [413, ddError(413, 'Payload Too Large', 'too big'), 'too-large'],
    [429, ddError(429, 'Too Many Requests', 'slow down'), 'retry'],
    [500, 'oops', 'retry'],
    [501, 'nope', 'permanent'],
    [503, ddError(503, 'Service Unavailable', 'down'), 'retry'],
  ])('HTTP %i → %s', (status, body, kind) => {
    expect(classifyDatadogResponse(response(status, body), NOW).kind).toBe(kind);
  });

  it("puts Datadog's error text in the message", () => {
    const outcome = classifyDatadogResponse(response(400, ddError(400, 'Bad Request', 'Malformed JSON')), NOW);
    expect(outcome).toEqual({ kind: 'permanent', status: 400, message: 'HTTP 400 Bad Request: Bad Request: Malformed JSON' });
    expect(classifyDatadogResponse(response(403, ddError(403, 'Forbidden', 'Forbidden')), NOW).message).toBe(
      'HTTP 403 Forbidden: Forbidden',
    );
  });

  it('honours Retry-After on 429', () => {
    expect(classifyDatadogResponse(response(429, '{}', { 'retry-after': '7' }), NOW)).toMatchObject({ kind: 'retry', retryAfterMs: 7000 });
  });

  it('reads both error shapes and falls back to raw text', () => {
    expect(datadogErrorText('{"errors":["Forbidden"]}')).toBe('Forbidden');
    expect(datadogErrorText(JSON.stringify({ errors: [{ title: 'A', detail: 'b' }, { title: 'C' }] }))).toBe('A: b; C');
    expect(datadogErrorText('<html>bad gateway</html>')).toBe('<html>bad gateway</html>');
    expect(datadogErrorText('{"status":"error"}')).toBe('{"status":"error"}');
  });
});
