/**
 * The console's only way to the service: its public HTTP API, with the session's bearer token. Errors of both
 * shapes (`{"detail": …}` on /v1, `{"error": …}` elsewhere) become an ApiError with the field issues of a 422.
 * A 401 ends the session (the app shows the sign-in page with the reason).
 */
export interface FieldIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

let token: string | undefined;
let onUnauthorized: (message: string) => void = () => {};

export function configureApi(t: string | undefined, unauthorized: (message: string) => void): void {
  token = t;
  onUnauthorized = unauthorized;
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, `The service did not answer (${(err as Error).message}).`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.ok) return json as T;
  const issues: FieldIssue[] = Array.isArray(json?.detail) ? json.detail : Array.isArray(json?.error?.details) ? json.error.details : [];
  const message =
    typeof json?.detail === 'string'
      ? json.detail
      : typeof json?.error?.message === 'string'
        ? json.error.message
        : issues.length > 0
          ? issues.map((i) => `${i.loc.filter((l) => l !== 'body').join('.')}: ${i.msg}`).join('; ')
          : `HTTP ${res.status}`;
  if (res.status === 401) onUnauthorized(message);
  const retry = Number(res.headers.get('retry-after'));
  throw new ApiError(res.status, message, issues, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

/** What to tell the user about a failed call. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return `Not allowed (403): ${err.message}.`;
    if (err.status === 429) return `Too many requests (429): ${err.message}`;
    return err.status ? `${err.message} (HTTP ${err.status})` : err.message;
  }
  return String((err as Error)?.message ?? err);
}
