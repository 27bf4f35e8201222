/**
 * The one generic outcome table (SPEC §7). Connectors with SIEM-specific answers (Splunk `code`, Elasticsearch
 * per-item results) read those first and fall back to `classifyHttpStatus` for everything else.
 */
import { TransportError, type DeliveryOutcome } from './types.ts';

const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;
const MAX_BODY_TEXT = 500;

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP-date, capped at one hour so a hostile or
 * confused receiver cannot park a destination. Invalid values → undefined (the pipeline's backoff applies).
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  let ms: number;
  if (/^\d+$/.test(raw)) {
    ms = Number(raw) * 1000;
  } else {
    const at = parseHttpDate(raw);
    if (at === undefined) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = MONTHS.join('|');
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) (${MONTH}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`);
const RFC850_DATE = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-(${MONTH})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`,
);
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (${MONTH}) ([ \\d]\\d) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$`);

/**
 * The three HTTP-date forms of RFC 9110 §5.6.7, strictly (Date.parse guesses at anything); epoch ms or undefined.
 */
export function parseHttpDate(value: string): number | undefined {
  let parts: { day: string; month: string; year: number; h: string; m: string; s: string } | undefined;
  let match = IMF_FIXDATE.exec(value);
  if (match) parts = { day: match[1], month: match[2], year: Number(match[3]), h: match[4], m: match[5], s: match[6] };
  else if ((match = RFC850_DATE.exec(value))) {
    // Two-digit years: this century (the form is obsolete; retry hints are never decades away).
    parts = { day: match[1], month: match[2], year: 2000 + Number(match[3]), h: match[4], m: match[5], s: match[6] };
  } else if ((match = ASCTIME_DATE.exec(value))) {
    parts = { day: match[2].trim(), month: match[1], year: Number(match[6]), h: match[3], m: match[4], s: match[5] };
  }
  if (!parts) return undefined;
  const month = MONTHS.indexOf(parts.month);
  const [day, h, m, s] = [parts.day, parts.h, parts.m, parts.s].map(Number);
  if (h > 23 || m > 59 || s > 60) return undefined;
  const at = Date.UTC(parts.year, month, day, h, m, Math.min(s, 59));
  // Reject impossible days (31 Feb) that Date.UTC would roll over.
  return new Date(at).getUTCDate() === day ? at : undefined;
}

/** The SIEM's own text, trimmed to one readable line of at most 500 chars. */
export function trimBodyText(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_BODY_TEXT ? `${oneLine.slice(0, MAX_BODY_TEXT - 1)}…` : oneLine;
}

/** "HTTP 400 Bad Request: {…body…}" (statusText falls back to the standard reason phrase). */
export function describeHttpStatus(status: number, text: string, statusText?: string): string {
  const reason = statusText || STATUS_TEXT[status] || '';
  const body = trimBodyText(text);
  return `HTTP ${status}${reason ? ` ${reason}` : ''}${body ? `: ${body}` : ''}`;
}

export function classifyHttpStatus(
  res: { status: number; statusText?: string; headers: Record<string, string | string[] | undefined>; text: string },
  now: number = Date.now(),
): DeliveryOutcome {
  const { status } = res;
  const message = describeHttpStatus(status, res.text, res.statusText);
  if (status >= 200 && status < 300) return { kind: 'success', status, message };
  if (status === 408 || status === 429 || (status >= 500 && status !== 501)) {
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'], now);
    return retryAfterMs === undefined ? { kind: 'retry', status, message } : { kind: 'retry', status, retryAfterMs, message };
  }
  if (status === 413) return { kind: 'too-large', status, message };
  if (status === 401 || status === 403) return { kind: 'auth', status, message };
  // Other 4xx, 501, 3xx (redirects are never followed: the configured URL is wrong) and 1xx leftovers.
  return { kind: 'permanent', status, message };
}

/** A failure below HTTP → outcome. Only a config change fixes egress refusals, bad URLs and TLS failures. */
export function classifyTransportError(err: unknown): DeliveryOutcome {
  if (err instanceof TransportError) {
    switch (err.code) {
      case 'egress_refused':
      case 'invalid_url':
      case 'tls':
        return { kind: 'auth', message: err.message };
      case 'timeout':
      case 'network':
      case 'dns':
        return { kind: 'retry', message: err.message };
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'retry', message: `delivery failed: ${message}` };
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
