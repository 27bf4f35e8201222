/**
 * Request bodies with a Content-Encoding are decoded only by routes that say so (route config
 * `decodesContentEncoding`: POST /v1/events, which inflates gzip within its limit). Any other route would hand the
 * compressed bytes to the JSON parser and answer a misleading "not valid JSON", or parse an encoding it was
 * never meant to read: it answers 415 instead, naming the header.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SiemError } from '../../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads the request stream itself and decodes its Content-Encoding. */
    decodesContentEncoding?: boolean;
  }
}

/** A request carries a body when it says how long it is (not 0) or that it is chunked. */
const hasBody = (request: FastifyRequest) =>
  request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

export function refuseUndecodedContentEncoding(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (!encoding || encoding === 'identity' || !hasBody(request)) return;
    // An unknown route answers its 404 whatever the body.
    if (request.routeOptions.url === undefined || request.routeOptions.config?.decodesContentEncoding) return;
    throw new SiemError('SIEM_ERR_UNSUPPORTED_MEDIA_TYPE', 415, 'Content-Encoding is accepted on POST /v1/events only; send this body uncompressed');
  });
}
