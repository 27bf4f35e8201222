/**
 * Streams: the SIEM configs of the caller's organisation in the write-only view (stream-view.ts), for clients
 * that must never receive a credential — the console. Same auth, bodies, validation and secret rules as the
 * Arbitex surface (a secret left out of an update is kept unless the destination changes); answers never hold a
 * secret, whatever SIEM_REVEAL_SECRETS says. Delete, stats, dead letters, replay, preview and audit are the
 * Arbitex routes (they hold no secret either).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ConnectorType } from '../../connectors/shared/types.ts';
import { testStoredConfig } from '../../siem-configs/connection-test.ts';
import type { SiemConfigRecord } from '../../store/repos/siem-configs.ts';
import { ArbitexCreateBody, ArbitexUpdateBody, ConfigIdParams, FastApiError, FastApiValidationError } from '../arbitex/schemas.ts';
import type { ApiContext } from '../context.ts';
import { orgIdentity } from '../plugins/auth.ts';
import { adviseOnTest } from './test-advice.ts';
import { StreamSchema, toStreamView } from './stream-view.ts';

type Filters = { class_uids?: number[] | null; min_severity_id?: number | null };
type CreateBody = { connector_type: string; config: Record<string, unknown>; is_enabled?: boolean; name?: string; batch_size?: number; filters?: Filters };
type UpdateBody = { [K in keyof CreateBody]?: CreateBody[K] | null };

const errors = { 401: FastApiError, 403: FastApiError, 404: FastApiError, 422: FastApiValidationError };

const StreamTestResult = Type.Object({
  config_id: Type.String(),
  connector_type: Type.String(),
  success: Type.Boolean(),
  status: Type.Union([Type.Integer({ description: 'HTTP status the SIEM answered' }), Type.Null()]),
  message: Type.String({ description: 'The SIEM\'s answer or the connection error (secrets redacted)' }),
  events_sent: Type.Integer(),
  kind: Type.String({ description: 'ok, credentials, egress_refused, unreachable, tls, timeout, not_found, rejected, busy or unknown' }),
  advice: Type.String({ description: 'What to do about it' }),
});

const ListQuery = Type.Object({
  figures: Type.Optional(Type.Boolean({ default: true, description: 'Include each stream\'s delivery figures (backlog, lag, counters)' })),
});

const filtersOf = (f: Filters | null | undefined) =>
  f ? { classUids: f.class_uids === undefined ? undefined : f.class_uids, minSeverity: f.min_severity_id === undefined ? undefined : f.min_severity_id } : undefined;

export async function orgStreamRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['Streams (write-only view of per-org SIEM configs)'];
  const security = [{ bearerAuth: [] }];
  const onRequest = ctx.auth.orgAdmin;
  const actorOf = (request: FastifyRequest) => {
    const id = orgIdentity(request);
    return { sub: id.sub, orgId: id.orgId };
  };
  const view = async (r: SiemConfigRecord, withFigures = true) => {
    const stats =
      withFigures && ctx.delivery
        ? await ctx.delivery.stats(r.id, { orgId: r.orgId, classUids: r.filterClassUids, minSeverity: r.filterMinSeverity })
        : undefined;
    return toStreamView(r, { warnings: ctx.configs.warnings(r), stats });
  };

  app.get<{ Querystring: { figures?: boolean } }>(
    '/v1/org/streams',
    { onRequest, schema: { tags, security, summary: 'List streams, newest first, with health and delivery figures', querystring: ListQuery, response: { 200: Type.Array(StreamSchema), ...errors } } },
    async (request) => {
      const records = await ctx.configs.list(orgIdentity(request).orgId);
      return Promise.all(records.map((r) => view(r, request.query.figures !== false)));
    },
  );

  app.get<{ Params: { config_id: string } }>(
    '/v1/org/streams/:config_id',
    { onRequest, schema: { tags, security, summary: 'One stream with health and delivery figures', params: ConfigIdParams, response: { 200: StreamSchema, ...errors } } },
    async (request) => view(await ctx.configs.get(orgIdentity(request).orgId, request.params.config_id)),
  );

  app.post<{ Body: CreateBody }>(
    '/v1/org/streams',
    { onRequest, schema: { tags, security, summary: 'Create a stream (body as POST /v1/org/siem-configs)', body: ArbitexCreateBody, response: { 201: StreamSchema, ...errors } } },
    async (request, reply) => {
      const b = request.body;
      const record = await ctx.configs.create(actorOf(request), {
        connectorType: b.connector_type as ConnectorType,
        config: b.config,
        enabled: b.is_enabled,
        name: b.name,
        batchSize: b.batch_size,
        filters: filtersOf(b.filters) as never,
      });
      return reply.code(201).send(await view(record, false));
    },
  );

  app.put<{ Params: { config_id: string }; Body: UpdateBody }>(
    '/v1/org/streams/:config_id',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Update only the fields given; a secret left out of `config` is kept unless a destination field changes',
        params: ConfigIdParams,
        body: ArbitexUpdateBody,
        response: { 200: StreamSchema, ...errors },
      },
    },
    async (request) => {
      const b = request.body;
      const updated = await ctx.configs.update(actorOf(request), request.params.config_id, {
        connectorType: (b.connector_type ?? undefined) as ConnectorType | undefined,
        config: b.config ?? undefined,
        enabled: b.is_enabled ?? undefined,
        name: b.name ?? undefined,
        batchSize: b.batch_size ?? undefined,
        filters: filtersOf(b.filters) as never,
      });
      return view(updated, false);
    },
  );

  app.post<{ Params: { config_id: string } }>(
    '/v1/org/streams/:config_id/test',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Send one synthetic OCSF event now; the answer says what the SIEM said and what to do about it',
        params: ConfigIdParams,
        response: { 200: StreamTestResult, ...errors, 429: FastApiError },
      },
    },
    async (request) => {
      const id = orgIdentity(request);
      const record = await ctx.configs.get(id.orgId, request.params.config_id);
      await ctx.tester.checkRate({ orgId: id.orgId });
      const result = await testStoredConfig(ctx.configs, ctx.tester, record);
      return {
        config_id: record.id,
        connector_type: record.connectorType,
        success: result.success,
        status: result.status ?? null,
        message: result.message,
        events_sent: result.success ? result.eventsSent : 0,
        ...adviseOnTest(result),
      };
    },
  );
}
