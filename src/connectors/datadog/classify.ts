/**
 * Datadog answers: 202 `{}` on success; errors carry `{"errors":[{"status","title","detail"}]}` (logs intake) or
 * `{"errors":["Forbidden"]}` (other APIs). The outcome is the generic table's; only the message is made readable.
 */
import { classifyHttpStatus } from '../shared/classify.ts';
import type { DeliveryOutcome, HttpResponse } from '../shared/types.ts';

/** `title: detail; …` from a Datadog error body, or the raw text when it is not one. */
export function datadogErrorText(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  const errors = (parsed as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return text;
  return errors
    .map((e) => {
      if (typeof e === 'string') return e;
      const { title, detail } = (e ?? {}) as { title?: unknown; detail?: unknown };
      const parts = [title, detail].filter((p): p is string => typeof p === 'string' && p.length > 0);
      // "Forbidden: Forbidden" reads badly; keep one when they repeat.
      return parts.length === 2 && parts[0] === parts[1] ? parts[0] : parts.join(': ') || JSON.stringify(e);
    })
    .join('; ');
}

export function classifyDatadogResponse(res: HttpResponse, now: number): DeliveryOutcome {
  const text = res.status >= 200 && res.status < 300 ? '' : datadogErrorText(res.text());
  return classifyHttpStatus({ status: res.status, statusText: res.statusText, headers: res.headers, text }, now);
}
