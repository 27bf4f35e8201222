/**
 * The JSON body parser of every route but POST /v1/events (which reads its own). Fastify's refuses an empty body
 * sent as application/json, yet curl and many HTTP clients set that type on every request: an empty body is no
 * body, and a route that takes none (tests, DELETE, a replay of all dead letters) runs as if none was sent. A
 * route that needs one says so in its validation error (error-handler.ts).
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors.ts';

/** Thrown for a body that is JSON but has keys that would reach an object's prototype. */
export const forbiddenKeyError = () =>
  new ValidationError(
    [{ loc: ['body'], msg: 'Keys named __proto__, or constructor holding prototype, are not accepted', type: 'value_error' }],
    'Body has a key named __proto__ or constructor.prototype',
  );

export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  // Refuses __proto__ and constructor.prototype keys, as Fastify's parser does by default.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    parseJson(request, body as string, (err, value) => {
      if (!err) return done(null, value);
      // Valid JSON refused all the same: say why instead of "not valid JSON".
      let isJson = true;
      try {
        JSON.parse(body as string);
      } catch {
        isJson = false;
      }
      done(isJson ? forbiddenKeyError() : err, undefined);
    });
  });
}
