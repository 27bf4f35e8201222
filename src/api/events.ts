/**
 * POST /v1/events (SPEC §6): publish events. Scope `events:write`. Answers 202 only after the accepted events
 * are committed. Body forms and limits: see events-body.ts (10 MB on the wire and decompressed, at most
 * 100,000 events per request; beyond either → 413).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ApiContext } from './context.ts';
import { bodyRequired } from '../errors.ts';
import type { IncomingMessage } from 'node:http';
import { EVENTS_BODY_LIMIT, MAX_EVENTS_PER_REQUEST, readEventsBody, type EventsBodyFormat } from './events-body.ts';
import type { PublishOptions } from '../pipeline/publish.ts';
import { publishesForAnyOrg } from '../security/jwt.ts';

/** What the content-type parser hands the handler: the body's text, parsed by the publisher (publishBody). */
interface RawEventsBody {
  bytes: Buffer;
  format: EventsBodyFormat;
}

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson'];

/** For the OpenAPI document only: the content-type parser decodes the body, the publisher validates each event. */
const EventsBodyDoc = Type.Union([
  Type.Array(Type.Object({}, { additionalProperties: true, description: 'An OCSF event (class_uid) or a simple event (type)' })),
  Type.Object({ events: Type.Array(Type.Object({}, { additionalProperties: true })) }),
]);

const PublishResponse = Type.Object({
  accepted: Type.Integer({
    description: 'Valid events: durably stored, or duplicates (counted here too, as before `duplicates` was answered)',
  }),
  duplicates: Type.Integer({
    description: 'Of `accepted`, events whose metadata.uid the same organisation published within 24 h: not stored or delivered again',
  }),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), error: Type.String() })),
});

export async function eventsRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  // Encapsulated: the events route replaces the JSON parser (raw bytes, gzip, NDJSON) without touching others.
  // Parsing is left to the publisher: with SQLite it happens in the append worker, off the main thread.
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    // The stream itself (no parseAs): read and decompressed as it arrives, limits enforced there; decoded later.
    const parserFor = (format: EventsBodyFormat) => async (request: FastifyRequest, payload: IncomingMessage): Promise<RawEventsBody> => ({
      bytes: await readEventsBody(payload, request.headers['content-encoding'], request.headers['content-length']),
      format,
    });
    scope.addContentTypeParser('application/json', parserFor('json'));
    scope.addContentTypeParser(NDJSON_TYPES, parserFor('ndjson'));

    scope.post(
      '/v1/events',
      {
        onRequest: ctx.auth.eventsWriter,
        bodyLimit: EVENTS_BODY_LIMIT,
        // The parser above inflates gzip itself, within the limit (api/plugins/content-encoding.ts).
        config: { decodesContentEncoding: true },
        // The body schema documents the wire format; what the handler receives is the RawEventsBody text.
        validatorCompiler: () => () => true,
        schema: {
          tags: ['Events'],
          summary: 'Publish events',
          description:
            'Body: a JSON array of events, `{"events": [...]}`, or NDJSON (`Content-Type: application/x-ndjson`, one event per ' +
            'non-empty line); `Content-Encoding: gzip` accepted. Each event is OCSF (has `class_uid`) or a simple event ' +
            '(has `type`). A token with `org_id` publishes into its organisation; a platform token (`platform_admin: true` ' +
            'or scope `events:write:any-org`) may name any organisation per event (`org_id`, or OCSF `metadata.tenant_uid`), ' +
            `and must where it has no \`org_id\`; a token with neither gets 403. Limits: 10 MB (also after decompression) and ${MAX_EVENTS_PER_REQUEST} ` +
            'events per request, 413 beyond. Answered 202 after the accepted events are durably stored; invalid events ' +
            'are listed in `rejected` with their index, the valid ones are kept.',
          consumes: ['application/json', ...NDJSON_TYPES],
          body: EventsBodyDoc,
          security: [{ bearerAuth: [] }],
          response: { 202: PublishResponse },
        },
      },
      async (request, reply) => {
        // No Content-Type and no body: no parser ran.
        if (request.body === undefined) throw bodyRequired();
        const body = request.body as RawEventsBody;
        const identity = request.identity!;
        // Events naming no organisation go to the token's; naming another needs a platform claim (the
        // eventsWriter hook refused a token with neither).
        const rules: PublishOptions = { orgId: identity.orgId, ...(publishesForAnyOrg(identity) && { allowedOrgs: 'any' as const }) };
        const result = await ctx.publisher.publishBody(body.bytes, body.format, rules);
        return reply.code(202).send({ accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected });
      },
    );
  });
}
