/**
 * Reads Splunk HEC answers (`{"text":…,"code":…,"invalid-event-number":…,"ackId":…}`, protocols.md §1.8) into
 * outcomes. Anything without a Splunk `code` (a proxy's error page, a bare 502) goes to the shared table.
 */
import { classifyHttpStatus, parseRetryAfter } from '../shared/classify.ts';
import type { DeliveryOutcome } from '../shared/types.ts';

export interface HecReply {
  code?: number;
  text?: string;
  /** 0-based index of the first rejected envelope; the ones before it were indexed. */
  invalidEventNumber?: number;
  /** Present on success when the token has indexer acknowledgement enabled. */
  ackId?: number;
}

export interface HecResponse {
  status: number;
  statusText?: string;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Token problems: only a config change fixes them (SPEC §7 "auth"). */
const TOKEN_CODES = new Set([1, 2, 3, 4]);
/** Transient server states: resend the whole batch later (code 9 is believed to mean nothing was taken). */
const RETRY_CODES = new Set([8, 9, 23, 26, 27]);
/**
 * Per-envelope rejections that come with a trustworthy `invalid-event-number`: envelopes before it were indexed.
 * Code 7 (incorrect index) is left out on purpose: Splunk reports its number off by one (protocols.md §1.8), and
 * since every envelope carries the same configured index, none of the batch was indexed.
 */
const PER_EVENT_CODES = new Set([6, 12, 13, 15]);

export function parseHecReply(text: string): HecReply | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const reply: HecReply = {};
  const code = toInt(b.code);
  if (code !== undefined) reply.code = code;
  if (typeof b.text === 'string') reply.text = b.text;
  const k = toInt(b['invalid-event-number']);
  if (k !== undefined) reply.invalidEventNumber = k;
  const ackId = toInt(b.ackId);
  if (ackId !== undefined) reply.ackId = ackId;
  return reply;
}

function toInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
}

/** "code 4: Invalid token" */
export function describeHecCode(reply: HecReply): string {
  return `code ${reply.code}${reply.text ? `: ${reply.text}` : ''}`;
}

export function classifyHecResponse(
  res: HecResponse,
  eventCount: number,
  now: number,
  reply: HecReply | undefined = parseHecReply(res.text),
): DeliveryOutcome {
  if (reply?.code === undefined) return classifyHttpStatus(res, now);
  const { status } = res;
  const code = reply.code;
  // 200 with 0 (success) or 24/25 (capacity warnings): delivered.
  if (status >= 200 && status < 300) return classifyHttpStatus(res, now);
  const detail = `${describeHecCode(reply)}, HTTP ${status}`;

  if (TOKEN_CODES.has(code)) return { kind: 'auth', status, message: `Splunk HEC rejected the token (${detail})` };

  if (RETRY_CODES.has(code)) {
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'], now);
    const message = `Splunk HEC cannot take data now (${detail})`;
    return retryAfterMs === undefined ? { kind: 'retry', status, message } : { kind: 'retry', status, retryAfterMs, message };
  }

  const k = reply.invalidEventNumber;
  if (status === 400 && PER_EVENT_CODES.has(code) && k !== undefined && k < eventCount) {
    const reason = `${reply.text || 'rejected'} (code ${code})`;
    const retry = Array.from({ length: eventCount - k - 1 }, (_, i) => k + 1 + i);
    return {
      kind: 'partial',
      status,
      retry,
      rejected: [{ index: k, reason }],
      message: `Splunk HEC indexed ${k} of ${eventCount} events and rejected event ${k}: ${reason}`,
    };
  }

  // 413 → too-large, other 4xx → permanent, other 5xx → retry: the generic table, in Splunk's words.
  const generic = classifyHttpStatus(res, now);
  const lead = generic.kind === 'retry' ? 'Splunk HEC cannot take data now' : 'Splunk HEC rejected the request';
  return { ...generic, message: `${lead} (${detail})` };
}
