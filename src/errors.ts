/**
 * The service's typed errors. Each has a stable `code` (documented in README "Errors") and an HTTP status.
 * Routes throw these; the error handler (src/api/plugins/error-handler.ts) renders them per surface.
 */
export type ErrorCode =
  | 'SIEM_ERR_UNAUTHENTICATED'
  | 'SIEM_ERR_FORBIDDEN'
  | 'SIEM_ERR_NOT_FOUND'
  | 'SIEM_ERR_CONFLICT'
  | 'SIEM_ERR_PAYLOAD_TOO_LARGE'
  | 'SIEM_ERR_VALIDATION'
  | 'SIEM_ERR_RATE_LIMITED'
  | 'SIEM_ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'SIEM_ERR_BAD_REQUEST'
  | 'SIEM_ERR_REQUEST_TIMEOUT'
  | 'SIEM_ERR_HEADERS_TOO_LARGE'
  | 'SIEM_ERR_UNAVAILABLE'
  | 'SIEM_ERR_INTERNAL';

/** One problem with one field; `loc` is FastAPI-style: ['body', 'config', 'url'], ['path', 'config_id'] … */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class SiemError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'SiemError';
  }
}

export const unauthenticated = (message = 'Missing or invalid bearer token') =>
  new SiemError('SIEM_ERR_UNAUTHENTICATED', 401, message);
export const forbidden = (message = 'Insufficient role for this operation') =>
  new SiemError('SIEM_ERR_FORBIDDEN', 403, message);
export const notFound = (message = 'Not found') => new SiemError('SIEM_ERR_NOT_FOUND', 404, message);
export const conflict = (message: string) => new SiemError('SIEM_ERR_CONFLICT', 409, message);
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new SiemError('SIEM_ERR_RATE_LIMITED', 429, message, { retry_after_seconds: retryAfterSeconds });
export const unavailable = (message: string) => new SiemError('SIEM_ERR_UNAVAILABLE', 503, message);

export class ValidationError extends SiemError {
  constructor(readonly issues: ValidationIssue[], message?: string) {
    super('SIEM_ERR_VALIDATION', 422, message ?? describeIssues(issues), issues);
    this.name = 'ValidationError';
  }
}

/** A route that needs a JSON body got none (or an empty one). */
export const bodyRequired = () =>
  new ValidationError([{ loc: ['body'], msg: 'Field required: this request needs a JSON body', type: 'missing' }], 'A JSON body is required');

export function describeIssues(issues: ValidationIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.loc.filter((p) => p !== 'body').join('.') || 'body'}: ${i.msg}`)
    .join('; ');
}
