import { describe, expect, it } from 'vitest';
import {
  classifyHttpStatus,
  classifyTransportError,
  parseRetryAfter,
} from '../../../src/connectors/shared/classify.ts';
import { TransportError } from '../../../src/connectors/shared/types.ts';

const NOW = Date.parse('2024-06-10T12:00:00Z');
const res = (status: number, text = '', headers: Record<string, string> = {}) => ({ status, headers, text });

describe('classifyHttpStatus', () => {
  it.each([
    [200, 'success'],
    [201, 'success'],
    [202, 'success'],
    [204, 'success'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [599, 'retry'],
    [501, 'permanent'],
    [413, 'too-large'],
    [401, 'auth'],
    [403, 'auth'],
    [400, 'permanent'],
    [404, 'permanent'],
    [409, 'permanent'],
    [422, 'permanent'],
    [301, 'permanent'],
    [302, 'permanent'],
    [307, 'permanent'],
  ] as const)('HTTP %i → %s', (status, kind) => {
    const outcome = classifyHttpStatus(res(status), NOW);
    expect(outcome.kind).toBe(kind);
    expect(outcome.status).toBe(status);
  });

  it('puts the status line and the trimmed body text in the message', () => {
    const outcome = classifyHttpStatus(res(400, '{"text":"Invalid data format",\n  "code":6}'), NOW);
    expect(outcome).toEqual({
      kind: 'permanent',
      status: 400,
      message: 'HTTP 400 Bad Request: {"text":"Invalid data format", "code":6}',
    });
    const custom = classifyHttpStatus({ status: 403, statusText: 'Nope', headers: {}, text: '' }, NOW);
    expect(custom.message).toBe('HTTP 403 Nope');
  });

  it('caps the body text at 500 characters', () => {
    const outcome = classifyHttpStatus(res(500, 'x'.repeat(5000)), NOW);
    const body = outcome.message!.slice('HTTP 500 Internal Server Error: '.length);
    expect(body.length).toBe(500);
    expect(body.endsWith('…')).toBe(true);
  });

  it('carries Retry-After (seconds and HTTP-date) on retry outcomes only', () => {
    expect(classifyHttpStatus(res(429, '', { 'retry-after': '30' }), NOW)).toMatchObject({ kind: 'retry', retryAfterMs: 30_000 });
    expect(classifyHttpStatus(res(503, '', { 'retry-after': 'Mon, 10 Jun 2024 12:02:00 GMT' }), NOW)).toMatchObject({
      kind: 'retry',
      retryAfterMs: 120_000,
    });
    expect(classifyHttpStatus(res(503), NOW)).not.toHaveProperty('retryAfterMs');
    expect(classifyHttpStatus(res(401, '', { 'retry-after': '30' }), NOW)).not.toHaveProperty('retryAfterMs');
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['1', 1000],
    [' 120 ', 120_000],
    ['Mon, 10 Jun 2024 12:00:30 GMT', 30_000],
    ['Mon, 10 Jun 2024 11:00:00 GMT', 0], // in the past → retry now
    ['Monday, 10-Jun-24 12:00:10 GMT', 10_000], // RFC 850 form
    ['Mon Jun 10 12:00:05 2024', 5_000], // asctime form
    ['86400', 3_600_000], // capped at one hour
    ['Tue, 11 Jun 2024 12:00:00 GMT', 3_600_000],
  ])('%j → %i ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([undefined, '', '-5', '1.5', 'soon', '2024-06-10', 'Mon, 99 Foo 2024 GMT', 'Mon, 31 Feb 2024 12:00:00 GMT', 'Mon, 10 Jun 2024 25:00:00 GMT', '10 Jun 2024 12:00:30 GMT'])('%j → undefined', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it('uses the first value of a repeated header', () => {
    expect(parseRetryAfter(['5', '60'], NOW)).toBe(5000);
  });
});

describe('classifyTransportError', () => {
  it.each([
    ['egress_refused', 'auth'],
    ['invalid_url', 'auth'],
    ['tls', 'auth'],
    ['timeout', 'retry'],
    ['network', 'retry'],
    ['dns', 'retry'],
  ] as const)('%s → %s', (code, kind) => {
    expect(classifyTransportError(new TransportError(code, `boom ${code}`))).toEqual({ kind, message: `boom ${code}` });
  });

  it('treats unknown errors as transient', () => {
    expect(classifyTransportError(new Error('socket hang up'))).toEqual({ kind: 'retry', message: 'delivery failed: socket hang up' });
    expect(classifyTransportError('weird')).toEqual({ kind: 'retry', message: 'delivery failed: weird' });
  });
});
