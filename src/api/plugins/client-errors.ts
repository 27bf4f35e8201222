/**
 * What clients do wrong below the routes: too slow (request timeout), malformed HTTP, oversized headers, or gone
 * before their request was complete. None is an error of ours, so none is logged at error level; those that can
 * still be answered are, in the error shape of both surfaces.
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { SiemError } from '../../errors.ts';

const DISCONNECT_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/** The request failed because its client closed the connection (reset, aborted upload, premature close). */
export function isClientDisconnect(err: unknown, request: FastifyRequest): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  const disconnectError = DISCONNECT_CODES.has(e?.code ?? '') || e?.message === 'aborted';
  const socket = request.raw.socket as Socket | null;
  return disconnectError && (request.raw.aborted || !socket || socket.destroyed);
}

export const clientDisconnected = () =>
  new SiemError('SIEM_ERR_BAD_REQUEST', 400, 'The client closed the connection before the request was complete');

/** Fastify's clientErrorHandler: errors Node.js raises on a connection before a route sees the request. */
export function handleClientError(this: { log: FastifyBaseLogger }, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) {
    this.log.debug({ code: err.code, reason: err.message }, 'client connection reset');
    return;
  }
  const e =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new SiemError('SIEM_ERR_REQUEST_TIMEOUT', 408, 'The request was not received in time (see SIEM_REQUEST_TIMEOUT_MS, SIEM_HEADERS_TIMEOUT_MS)')
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? new SiemError('SIEM_ERR_HEADERS_TOO_LARGE', 431, 'Request headers are too large')
        : new SiemError('SIEM_ERR_BAD_REQUEST', 400, 'Malformed HTTP request');
  this.log.info({ code: err.code, reason: err.message, status: e.statusCode }, 'client error');
  // Only if nothing of a response went out yet: bytes after a started response would corrupt it.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    // Both surfaces' shapes at once: {"detail"} for the Arbitex one, {"error": {code, message}} for all.
    const body = JSON.stringify({ detail: e.message, error: { code: e.code, message: e.message } });
    socket.write(
      `HTTP/1.1 ${e.statusCode} ${STATUS_CODES[e.statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
