/**
 * One place that turns errors into responses. Two shapes (SPEC §2):
 * - Arbitex surface (/v1/org/…): validation as FastAPI `{"detail": [{loc, msg, type}]}`; other errors
 *   `{"detail": "<message>", "error": {code, message}}` (FastAPI's HTTPException shape plus our code);
 * - everywhere else: `{"error": {"code": "SIEM_ERR_…", "message": "…", "details": …}}`.
 * Unexpected errors are logged and answered 500 without internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { toIssues } from '../../connectors/shared/schema-issues.ts';
import { SiemError, ValidationError, bodyRequired, describeIssues, type ValidationIssue } from '../../errors.ts';
import { clientDisconnected, isClientDisconnect } from './client-errors.ts';

export const isFastApiSurface = (url: string) => url.startsWith('/v1/');

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | SiemError, request, reply) => {
    if (isClientDisconnect(err, request)) {
      // Not an error of ours, and nobody is left to read an answer.
      request.log.info({ code: (err as { code?: string }).code, reason: err.message }, 'client disconnected mid-request');
      return sendError(request, reply, clientDisconnected());
    }
    const e = toSiemError(err, request);
    if (e.statusCode >= 500) request.log.error({ err }, 'request failed');
    if (e.statusCode === 429 && (e.details as { retry_after_seconds?: number })?.retry_after_seconds) {
      reply.header('Retry-After', String((e.details as { retry_after_seconds: number }).retry_after_seconds));
    }
    return sendError(request, reply, e);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new SiemError('SIEM_ERR_NOT_FOUND', 404, `Route ${request.method} ${request.url.split('?')[0]} not found`)),
  );
}

function sendError(request: FastifyRequest, reply: FastifyReply, e: SiemError) {
  reply.code(e.statusCode);
  if (isFastApiSurface(request.url)) {
    if (e instanceof ValidationError) return reply.send({ detail: e.issues });
    return reply.send({ detail: e.message, error: { code: e.code, message: e.message } });
  }
  return reply.send({ error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } });
}

function toSiemError(err: FastifyError | SiemError, request: FastifyRequest): SiemError {
  if (err instanceof SiemError) return err;
  const fe = err as FastifyError & { validationContext?: string };
  if (fe.validation) {
    const where = fe.validationContext ?? 'body';
    // No body (or an empty one) where the route needs one: say that, not "should be a valid object".
    if (where === 'body' && request.body == null) {
      return bodyRequired();
    }
    const issues: ValidationIssue[] = toIssues(fe.validation as unknown as ErrorObject[]).map((i) => ({
      loc: [where === 'params' ? 'path' : where === 'querystring' ? 'query' : where, ...i.path],
      msg: i.message,
      type: i.type,
    }));
    return new ValidationError(issues, describeIssues(issues));
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ValidationError([{ loc: ['body', 0], msg: 'JSON decode error', type: 'json_invalid' }], 'Body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SiemError('SIEM_ERR_PAYLOAD_TOO_LARGE', 413, 'Request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new SiemError('SIEM_ERR_UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported Content-Type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new SiemError('SIEM_ERR_BAD_REQUEST', 400, 'Invalid Content-Length');
    default:
      break;
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 413) return new SiemError('SIEM_ERR_PAYLOAD_TOO_LARGE', 413, 'Request body is too large');
    if (fe.statusCode === 415) return new SiemError('SIEM_ERR_UNSUPPORTED_MEDIA_TYPE', 415, fe.message);
    return new SiemError('SIEM_ERR_BAD_REQUEST', 400, fe.message);
  }
  return new SiemError('SIEM_ERR_INTERNAL', 500, 'Internal error');
}
