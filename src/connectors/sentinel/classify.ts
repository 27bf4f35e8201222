/**
 * Reading Azure's answers. Errors carry a code and message: the `x-ms-error-code` header and
 * `{"error":{"code","message"}}` (Logs Ingestion), or `{"Error","Message"}` (legacy Data Collector). The outcome
 * class itself is the generic table (shared/classify.ts); only the message is Azure's own text.
 */
import { classifyHttpStatus } from '../shared/classify.ts';
import type { DeliveryOutcome, HttpResponse } from '../shared/types.ts';

/** What only the operator can act on, per status, for the Logs Ingestion API (protocols.md §4b troubleshooting). */
const LOGS_INGESTION_HINTS: Partial<Record<number, string>> = {
  401: 'the token was refused: check the tenant, and that the app is in the same cloud as the endpoint',
  403: 'the application needs the Monitoring Metrics Publisher role on the DCR (new role assignments take up to 30 minutes)',
  404: 'check dce_url, dcr_immutable_id and stream_name',
};

export function azureErrorText(res: Pick<HttpResponse, 'headers' | 'text'>): string | undefined {
  const headerCode = firstHeader(res.headers['x-ms-error-code']);
  let code: string | undefined;
  let message: string | undefined;
  const text = res.text();
  if (text.trimStart().startsWith('{')) {
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      const nested = body.error;
      if (nested && typeof nested === 'object') {
        code = stringOr((nested as Record<string, unknown>).code);
        message = stringOr((nested as Record<string, unknown>).message);
      } else {
        code = stringOr(body.Error) ?? stringOr(body.error);
        message = stringOr(body.Message) ?? stringOr(body.message);
      }
    } catch {
      // not JSON after all: the raw text is used
    }
  }
  code ??= headerCode;
  if (!code && !message) return undefined;
  return [code, message].filter(Boolean).join(': ');
}

export function classifyLogsIngestionResponse(res: HttpResponse, now: number): DeliveryOutcome {
  return classifyAzure(res, now, LOGS_INGESTION_HINTS[res.status]);
}

export function classifyDataCollectorResponse(res: HttpResponse, now: number): DeliveryOutcome {
  return classifyAzure(res, now, undefined);
}

function classifyAzure(res: HttpResponse, now: number, hint: string | undefined): DeliveryOutcome {
  const ok = res.status >= 200 && res.status < 300;
  const azureText = ok ? undefined : azureErrorText(res);
  const text = azureText ?? res.text();
  return classifyHttpStatus(
    { status: res.status, statusText: res.statusText, headers: res.headers, text: hint ? `${text}${text ? ' ' : ''}(${hint})` : text },
    now,
  );
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
