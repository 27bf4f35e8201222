/**
 * Entra ID client-credentials tokens for the Logs Ingestion API, without MSAL: one form POST to
 * `{authority}/{tenant}/oauth2/v2.0/token` (protocols.md §4b, §10). The token is cached until shortly before
 * `expires_in`; concurrent callers share one request; a 401 from the ingestion endpoint invalidates it.
 */
import { classifyHttpStatus, classifyTransportError, trimBodyText } from '../shared/classify.ts';
import type { DeliveryOutcome, HttpResponse, HttpTransport } from '../shared/types.ts';
import { INGESTION_SCOPE, type LogsIngestionSettings } from './config.ts';

/** Refresh this long before expiry (or at half-life for short-lived tokens), so a token never expires in flight. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export type TokenFailure = Extract<DeliveryOutcome, { kind: 'retry' | 'auth' | 'permanent' | 'too-large' }>;
export type TokenResult = { ok: true; token: string } | { ok: false; outcome: TokenFailure };

export interface TokenCache {
  /** A fresh token: the cached one, or a new one from Entra ID. Never throws. */
  get(): Promise<TokenResult>;
  /** The cached token while fresh (for previews); never fetches. */
  peek(): string | undefined;
  /** Drop `token` (the endpoint refused it), so the next `get` asks Entra ID again. */
  invalidate(token: string): void;
}

export function createTokenCache(opts: {
  http: HttpTransport;
  settings: Pick<LogsIngestionSettings, 'tokenUrl' | 'clientId' | 'clientSecret'>;
  now: () => number;
  timeoutMs?: number;
  verifySsl?: boolean;
  /** Called with every token obtained: it is a credential a receiver may echo back (ConnectorDeps.noteSecret). */
  onToken?: (token: string) => void;
}): TokenCache {
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<TokenResult> | undefined;

  async function fetchToken(): Promise<TokenResult> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: opts.settings.clientId,
      client_secret: opts.settings.clientSecret,
      scope: INGESTION_SCOPE,
    });
    let res: HttpResponse;
    try {
      res = await opts.http.request({
        method: 'POST',
        url: opts.settings.tokenUrl,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
        timeoutMs: opts.timeoutMs,
        verifySsl: opts.verifySsl,
      });
    } catch (err) {
      return failed(classifyTransportError(err) as TokenFailure);
    }
    const issuedAt = opts.now();
    if (res.status === 200) {
      const token = parseTokenResponse(res.text());
      if (!token) return failed({ kind: 'retry', status: 200, message: 'answer was not a bearer token response' });
      const lifetimeMs = token.expiresInSeconds * 1000;
      opts.onToken?.(token.accessToken);
      cached = { token: token.accessToken, refreshAt: issuedAt + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
      return { ok: true, token: token.accessToken };
    }
    const outcome = classifyHttpStatus(
      { status: res.status, statusText: res.statusText, headers: res.headers, text: entraErrorText(res.text()) },
      issuedAt,
    );
    // 429/5xx are Entra's own trouble; every other refusal (bad tenant, client, secret, scope) needs a config change.
    return failed(outcome.kind === 'retry' ? outcome : { kind: 'auth', status: res.status, message: outcome.message ?? `HTTP ${res.status}` });
  }

  function failed(outcome: TokenFailure): TokenResult {
    return { ok: false, outcome: { ...outcome, message: `Entra ID token request failed: ${outcome.message}` } };
  }

  return {
    get() {
      if (cached && opts.now() < cached.refreshAt) return Promise.resolve({ ok: true, token: cached.token });
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    peek() {
      return cached && opts.now() < cached.refreshAt ? cached.token : undefined;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}

function parseTokenResponse(text: string): { accessToken: string; expiresInSeconds: number } | undefined {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  // v2.0 endpoints send a number, v1.0 a numeric string.
  const expiresIn = Number(body.expires_in);
  if (typeof body.access_token !== 'string' || body.access_token === '' || !(expiresIn > 0)) return undefined;
  if (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer') return undefined;
  return { accessToken: body.access_token, expiresInSeconds: expiresIn };
}

/** `invalid_client: AADSTS7000215: Invalid client secret provided. …` without Entra's trace/correlation lines. */
export function entraErrorText(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (typeof body.error === 'string') {
      const description = typeof body.error_description === 'string' ? body.error_description.split(/\r?\n/)[0].trim() : '';
      return description ? `${body.error}: ${description}` : body.error;
    }
  } catch {
    // not Entra's JSON: show what came back
  }
  return trimBodyText(text);
}
