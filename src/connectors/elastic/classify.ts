/**
 * Elasticsearch answers: a non-200 goes through the generic table (message = ES's `error.type: error.reason`);
 * a 200 carries one result per action, in request order (protocols.md §3.6):
 * 200/201 delivered; 409 on `create` = the document already exists = delivered earlier (our `_id` is the event
 * uid); 429 and 5xx (but 501) = retry that event alone; 401/403 = a privilege problem only a config change fixes
 * (the whole batch is kept: items already written answer 409 next time); anything else = rejected with ES's reason.
 */
import { classifyHttpStatus, trimBodyText } from '../shared/classify.ts';
import type { DeliveryOutcome, HttpResponse } from '../shared/types.ts';

interface EsError {
  type?: unknown;
  reason?: unknown;
  caused_by?: EsError;
}

interface BulkItemResult {
  status?: unknown;
  error?: EsError | string;
}

/** `type: reason` (with the first `caused_by`), the readable core of an Elasticsearch error. */
export function esErrorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (!error || typeof error !== 'object') return '';
  const e = error as EsError;
  const head = [e.type, e.reason].filter((p): p is string => typeof p === 'string' && p.length > 0).join(': ');
  const cause = e.caused_by && typeof e.caused_by === 'object' ? esErrorText(e.caused_by) : '';
  return cause ? `${head} (caused by ${cause})` : head;
}

/** ES's error for a whole-request failure body (`{"error":{…},"status":N}` or `{"error":"…"}`), else the raw text. */
export function esResponseErrorText(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown } | null;
    const described = parsed && 'error' in parsed ? esErrorText(parsed.error) : '';
    return described || text;
  } catch {
    return text;
  }
}

const isRetryable = (status: number) => status === 408 || status === 429 || (status >= 500 && status !== 501);

export function classifyElasticResponse(res: HttpResponse, eventCount: number, now: number): DeliveryOutcome {
  const text = res.text();
  if (res.status !== 200) {
    const errText = res.status >= 200 && res.status < 300 ? '' : esResponseErrorText(text);
    return classifyHttpStatus({ status: res.status, statusText: res.statusText, headers: res.headers, text: errText }, now);
  }
  let body: { errors?: unknown; items?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // A 200 that is not a bulk answer (a proxy page, a truncated body): resending is safe, `create` dedupes.
    return { kind: 'retry', status: 200, message: `unreadable _bulk response: ${trimBodyText(text)}` };
  }
  if (body?.errors === false) return { kind: 'success', status: 200, message: `${eventCount} documents created` };
  const items = Array.isArray(body?.items) ? (body.items as Record<string, BulkItemResult>[]) : undefined;
  if (!items || items.length !== eventCount) {
    return {
      kind: 'retry',
      status: 200,
      message: `_bulk response has ${items?.length ?? 'no'} item results for ${eventCount} documents`,
    };
  }

  const retry: number[] = [];
  const rejected: { index: number; reason: string }[] = [];
  let duplicates = 0;
  for (let i = 0; i < items.length; i++) {
    const result = Object.values(items[i] ?? {})[0];
    const status = typeof result?.status === 'number' ? result.status : 0;
    if (status === 200 || status === 201) continue;
    if (status === 409) {
      duplicates++;
      continue;
    }
    const reason = `HTTP ${status}: ${esErrorText(result?.error) || 'no reason given'}`;
    if (status === 401 || status === 403) {
      return { kind: 'auth', status, message: `Elasticsearch refused document ${i}: ${trimBodyText(reason)}` };
    }
    if (isRetryable(status)) retry.push(i);
    else rejected.push({ index: i, reason: trimBodyText(reason) });
  }

  const delivered = eventCount - retry.length - rejected.length;
  if (retry.length === 0 && rejected.length === 0) {
    return { kind: 'success', status: 200, message: `${delivered} documents created or already present (${duplicates} duplicates)` };
  }
  const firstRetry = retry.length ? ` (first: ${itemReason(items[retry[0]])})` : '';
  if (retry.length === eventCount) {
    return { kind: 'retry', status: 200, message: `Elasticsearch asked to retry all ${eventCount} documents${firstRetry}` };
  }
  const firstRejected = rejected.length ? `; first rejection: ${rejected[0].reason}` : '';
  return {
    kind: 'partial',
    status: 200,
    retry,
    rejected,
    message: `${delivered} delivered (${duplicates} duplicates), ${retry.length} to retry${firstRetry}, ${rejected.length} rejected${firstRejected}`,
  };
}

function itemReason(item: Record<string, BulkItemResult>): string {
  const result = Object.values(item)[0];
  return trimBodyText(`HTTP ${String(result?.status)}: ${esErrorText(result?.error)}`);
}
