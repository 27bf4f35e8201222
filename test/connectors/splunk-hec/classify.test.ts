import { describe, expect, it } from 'vitest';
import { classifyHecResponse, parseHecReply } from '../../../src/connectors/splunk-hec/classify.ts';

const NOW = 1_718_020_800_000;
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});
const classify = (status: number, body: unknown, eventCount = 5, headers: Record<string, string> = {}) =>
  classifyHecResponse(answer(status, body, headers), eventCount, NOW);

describe('splunk hec response classification', () => {
  it.each([
    [200, { text: 'Success', code: 0 }],
    [200, { text: 'Success', code: 0, ackId: 3 }],
    [200, { text: 'HEC queue is approaching its capacity limit', code: 24 }],
  ])('%d %j → success', (status, body) => {
    expect(classify(status, body)).toMatchObject({ kind: 'success', status });
  });

  it.each([
    [503, 9, 'Server is busy'],
    [503, 23, 'Server is shutting down'],
    [429, 26, 'HEC queue is at capacity and cannot process any more requests'],
    [429, 27, 'HEC ACK channel is at capacity and cannot process any more requests'],
    [500, 8, 'Internal server error'],
  ])('%d code %d → retry with Splunk’s text', (status, code, text) => {
    expect(classify(status, { text, code })).toEqual({
      kind: 'retry',
      status,
      message: `Splunk HEC cannot take data now (code ${code}: ${text}, HTTP ${status})`,
    });
  });

  it('honours Retry-After on a retry code', () => {
    expect(classify(429, { text: 'HEC queue is at capacity', code: 26 }, 5, { 'retry-after': '7' })).toMatchObject({
      kind: 'retry',
      retryAfterMs: 7000,
    });
    expect(classify(503, { text: 'Server is busy', code: 9 }, 5, { 'retry-after': '2' })).toMatchObject({ retryAfterMs: 2000 });
  });

  it.each([
    [403, 1, 'Token disabled'],
    [401, 2, 'Token is required'],
    [401, 3, 'Invalid authorization'],
    [403, 4, 'Invalid token'],
  ])('%d code %d → auth', (status, code, text) => {
    expect(classify(status, { text, code })).toEqual({
      kind: 'auth',
      status,
      message: `Splunk HEC rejected the token (code ${code}: ${text}, HTTP ${status})`,
    });
  });

  it.each([
    [6, 'Invalid data format'],
    [12, 'Event field is required'],
    [13, 'Event field cannot be blank'],
    [15, 'Error in handling indexed fields'],
  ])('400 code %d with invalid-event-number → partial: prefix delivered, k rejected, rest retried', (code, text) => {
    expect(classify(400, { text, code, 'invalid-event-number': 2 }, 5)).toEqual({
      kind: 'partial',
      status: 400,
      retry: [3, 4],
      rejected: [{ index: 2, reason: `${text} (code ${code})` }],
      message: `Splunk HEC indexed 2 of 5 events and rejected event 2: ${text} (code ${code})`,
    });
  });

  it('partial at the first and the last event', () => {
    expect(classify(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 }, 3)).toMatchObject({
      kind: 'partial',
      retry: [1, 2],
      rejected: [{ index: 0 }],
    });
    expect(classify(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 2 }, 3)).toMatchObject({
      kind: 'partial',
      retry: [],
      rejected: [{ index: 2 }],
    });
  });

  it.each([
    [{ text: 'No data', code: 5 }],
    [{ text: 'Invalid data format', code: 6 }],
    [{ text: 'Incorrect index', code: 7 }],
    // Code 7's number is unreliable and every envelope has the same index: nothing was indexed.
    [{ text: 'Incorrect index', code: 7, 'invalid-event-number': 1 }],
    [{ text: 'Data channel is missing', code: 10 }],
    [{ text: 'Invalid data channel', code: 11 }],
    [{ text: 'Event field is required', code: 12 }],
    [{ text: 'Event field cannot be blank', code: 13 }],
    [{ text: 'ACK is disabled', code: 14 }],
    [{ text: 'Error in handling indexed fields', code: 15 }],
    [{ text: 'Query string authorization is not enabled', code: 16 }],
    // An invalid-event-number outside the batch cannot be trusted.
    [{ text: 'Invalid data format', code: 6, 'invalid-event-number': 5 }],
  ])('400 %j → permanent with code and text', (body) => {
    expect(classify(400, body, 5)).toEqual({
      kind: 'permanent',
      status: 400,
      message: `Splunk HEC rejected the request (code ${body.code}: ${body.text}, HTTP 400)`,
    });
  });

  it('413 → too-large', () => {
    expect(classify(413, { text: 'Content-Length of request is too large', code: 413 })).toMatchObject({ kind: 'too-large', status: 413 });
    expect(classify(413, '<html>Request Entity Too Large</html>')).toMatchObject({ kind: 'too-large', status: 413 });
  });

  it('404 with Splunk’s JSON body → permanent', () => {
    expect(classify(404, { text: 'The requested URL was not found on this server.', code: 404 })).toEqual({
      kind: 'permanent',
      status: 404,
      message: 'Splunk HEC rejected the request (code 404: The requested URL was not found on this server., HTTP 404)',
    });
  });

  it.each([
    [502, 'retry'],
    [503, 'retry'],
    [401, 'auth'],
    [415, 'permanent'],
  ])('a non-Splunk %d answer falls back to the shared table (%s)', (status, kind) => {
    expect(classify(status, '<html>proxy error</html>')).toMatchObject({ kind, status });
  });
});

describe('parseHecReply', () => {
  it('reads code, text, invalid-event-number and ackId', () => {
    expect(parseHecReply('{"text":"Invalid data format","code":6,"invalid-event-number":3}')).toEqual({
      text: 'Invalid data format',
      code: 6,
      invalidEventNumber: 3,
    });
    expect(parseHecReply('{"text":"Success","code":0,"ackId":12}')).toEqual({ text: 'Success', code: 0, ackId: 12 });
    expect(parseHecReply('{"code":"9","text":"Server is busy"}')).toEqual({ code: 9, text: 'Server is busy' });
  });

  it.each(['', 'not json', '[1,2]', 'null', '"text"'])('%j → undefined', (text) => {
    expect(parseHecReply(text)).toBeUndefined();
  });
});
