/**
 * Delivery APIs beyond the seeds (SPEC §4), Arbitex-style paths and errors, same auth as the config routes:
 * GET …/{id}/stats, GET|DELETE …/{id}/dead-letters, POST …/{id}/dead-letters/replay, POST …/{id}/replay,
 * GET …/{id}/preview. A config of another organisation is a 404, as everywhere.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ConnectorType } from '../../connectors/shared/types.ts';
import { unavailable } from '../../errors.ts';
import type { DeliveryAdmin } from '../../pipeline/delivery/admin.ts';
import type { DeadLetterRecord, DeadLetterState } from '../../pipeline/delivery/dead-letter-repo.ts';
import { iso } from '../../siem-configs/projections.ts';
import type { ApiContext } from '../context.ts';
import { orgIdentity } from '../plugins/auth.ts';
import { ConfigIdParams, FastApiError, FastApiValidationError, TestResultValue } from './schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const IsoTime = Type.String({ format: 'date-time' });
const errors = { 401: FastApiError, 403: FastApiError, 404: FastApiError, 422: FastApiValidationError, 503: FastApiError };

const StatsSchema = Type.Object({
  config_id: Type.String(),
  delivery_status: Type.String(),
  events_delivered: Type.Integer({ description: 'Events acknowledged by the SIEM' }),
  events_failed: Type.Integer({ description: 'Events in send attempts that failed (each attempt counts)' }),
  events_retried: Type.Integer({ description: 'Events sent again after a failed attempt' }),
  events_dead_lettered: Type.Integer(),
  dead_letters_pending: Type.Integer({ description: 'Dead letters neither replayed nor queued for replay' }),
  backlog_events: Type.Integer({ description: 'Events published for this config and not yet delivered or dead-lettered' }),
  lag_seconds: Type.Number({ description: 'Age of the oldest event not yet delivered (0 when none)' }),
  latency_p50_ms: Nullable(Type.Integer({ description: 'Publish → acknowledgement, recent median' })),
  latency_p99_ms: Nullable(Type.Integer()),
  last_latency_ms: Nullable(Type.Integer()),
  failure_count: Type.Integer(),
  last_error: Nullable(Type.String()),
  last_delivery_at: Nullable(IsoTime),
  last_successful_batch_at: Nullable(IsoTime),
  last_test_at: Nullable(IsoTime),
  last_test_result: Nullable(TestResultValue),
});

const DeadLetterSchema = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  event_uid: Type.String(),
  class_uid: Type.Integer(),
  severity_id: Type.Integer(),
  reason: Type.String(),
  status_code: Nullable(Type.Integer()),
  response_text: Nullable(Type.String()),
  attempts: Type.Integer(),
  published_at: IsoTime,
  created_at: IsoTime,
  replay_requested_at: Nullable(IsoTime),
  replayed_at: Nullable(IsoTime),
  event: Type.Object({}, { additionalProperties: true }),
});

const DeadLetterPage = Type.Object({ items: Type.Array(DeadLetterSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
const DeadLetterQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  // Bounded: the databases' OFFSET is a 64-bit integer.
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
  state: Type.Optional(Type.Union(['all', 'pending', 'replaying', 'replayed'].map((s) => Type.Literal(s)), { default: 'all' })),
});
const IdList = Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 10_000, uniqueItems: true });
const IdsBody = Type.Union([Type.Object({ ids: Type.Optional(IdList) }, { additionalProperties: false }), Type.Null()]);

const ReplayBody = Type.Object(
  { from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);
const ReplayAnswer = Type.Object({
  id: Type.String(),
  config_id: Type.String(),
  from: IsoTime,
  to: IsoTime,
  clipped: Type.Boolean({ description: 'The window was narrowed to what the retention still holds' }),
  status: Type.Literal('queued'),
});

const PreviewRequestSchema = Type.Object({
  method: Type.String(),
  url: Type.String(),
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.String({ description: 'Uncompressed body, exactly as encoded' }),
  gzip: Type.Boolean({ description: 'Sent gzip-compressed (Content-Encoding: gzip)' }),
  event_count: Type.Integer(),
});
const PreviewSchema = Type.Object({
  config_id: Type.String(),
  connector_type: Type.String(),
  event: Type.Object({}, { additionalProperties: true }),
  requests: Type.Array(PreviewRequestSchema),
});

export async function arbitexDeliveryRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['Per-org SIEM configs: delivery'];
  const security = [{ bearerAuth: [] }];
  const admin = (): DeliveryAdmin => {
    if (!ctx.delivery) throw unavailable('Delivery is not available in this process');
    return ctx.delivery;
  };
  const configOf = (request: { params: { config_id: string } } & Parameters<typeof orgIdentity>[0]) =>
    ctx.configs.get(orgIdentity(request).orgId, request.params.config_id);
  const base = '/v1/org/siem-configs/:config_id';

  app.get<{ Params: { config_id: string } }>(
    `${base}/stats`,
    { onRequest: ctx.auth.orgAdmin, schema: { tags, security, summary: 'Delivery figures: counters, backlog, lag, latency', params: ConfigIdParams, response: { 200: StatsSchema, ...errors } } },
    async (request) => {
      const r = await configOf(request);
      const s = await admin().stats(r.id, { orgId: r.orgId, classUids: r.filterClassUids, minSeverity: r.filterMinSeverity });
      return {
        config_id: r.id,
        delivery_status: r.deliveryStatus,
        events_delivered: s.delivered,
        events_failed: s.failed,
        events_retried: s.retried,
        events_dead_lettered: s.deadLettered,
        dead_letters_pending: s.deadLettersPending,
        backlog_events: s.backlog,
        lag_seconds: Math.round(s.lagSeconds * 1000) / 1000,
        latency_p50_ms: s.latencyP50Ms,
        latency_p99_ms: s.latencyP99Ms,
        last_latency_ms: s.lastLatencyMs,
        failure_count: r.failureCount,
        last_error: r.lastError,
        last_delivery_at: iso(r.lastDeliveryAt),
        last_successful_batch_at: iso(r.lastSuccessfulBatchAt),
        last_test_at: iso(r.lastTestAt),
        last_test_result: r.lastTestResult,
      };
    },
  );

  app.get<{ Params: { config_id: string }; Querystring: { limit?: number; offset?: number; state?: DeadLetterState } }>(
    `${base}/dead-letters`,
    {
      onRequest: ctx.auth.orgAdmin,
      schema: { tags, security, summary: 'Dead letters, newest first', params: ConfigIdParams, querystring: DeadLetterQuery, response: { 200: DeadLetterPage, ...errors } },
    },
    async (request) => {
      const r = await configOf(request);
      const limit = request.query.limit ?? 50;
      const offset = request.query.offset ?? 0;
      const page = await admin().listDeadLetters(r.id, { limit, offset, state: request.query.state ?? 'all' });
      return { items: page.items.map(deadLetterView), total: page.total, limit, offset };
    },
  );

  app.post<{ Params: { config_id: string }; Body: { ids?: string[] } | null }>(
    `${base}/dead-letters/replay`,
    {
      onRequest: ctx.auth.orgAdmin,
      schema: {
        tags,
        security,
        summary: 'Re-deliver dead letters (all not yet replayed, or the given ids); they are marked replayed once delivered',
        params: ConfigIdParams,
        body: IdsBody,
        response: { 202: Type.Object({ config_id: Type.String(), requested: Type.Integer() }), ...errors },
      },
    },
    async (request, reply) => {
      const r = await configOf(request);
      const requested = await admin().replayDeadLetters(r.id, request.body?.ids);
      return reply.code(202).send({ config_id: r.id, requested });
    },
  );

  app.delete<{ Params: { config_id: string }; Body: { ids?: string[] } | null }>(
    `${base}/dead-letters`,
    {
      onRequest: ctx.auth.orgAdmin,
      schema: {
        tags,
        security,
        summary: 'Purge dead letters (all, or the given ids)',
        params: ConfigIdParams,
        body: IdsBody,
        response: { 200: Type.Object({ config_id: Type.String(), deleted: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      const r = await configOf(request);
      return { config_id: r.id, deleted: await admin().purgeDeadLetters(r.id, request.body?.ids) };
    },
  );

  app.post<{ Params: { config_id: string }; Body: { from: string; to: string } }>(
    `${base}/replay`,
    {
      onRequest: ctx.auth.orgAdmin,
      schema: {
        tags,
        security,
        summary: 'Re-deliver the events published in [from, to) still in retention, beside live delivery',
        params: ConfigIdParams,
        body: ReplayBody,
        response: { 202: ReplayAnswer, ...errors },
      },
    },
    async (request, reply) => {
      const r = await configOf(request);
      const w = await admin().replayWindow(r.id, Date.parse(request.body.from), Date.parse(request.body.to));
      return reply.code(202).send({ id: w.id, config_id: r.id, from: iso(w.fromTime)!, to: iso(w.toTime)!, clipped: w.clipped, status: 'queued' as const });
    },
  );

  app.get<{ Params: { config_id: string } }>(
    `${base}/preview`,
    {
      onRequest: ctx.auth.orgAdmin,
      schema: { tags, security, summary: 'The exact request the connector would send for a sample event (credentials redacted)', params: ConfigIdParams, response: { 200: PreviewSchema, ...errors } },
    },
    async (request) => {
      const r = await configOf(request);
      const p = await admin().preview(r.connectorType as ConnectorType, ctx.configs.decryptedConfig(r), r.orgId);
      return { config_id: r.id, connector_type: r.connectorType, event: p.event, requests: p.requests };
    },
  );
}

function deadLetterView(d: DeadLetterRecord) {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(d.payload) as Record<string, unknown>;
  } catch {
    event = {};
  }
  return {
    id: d.id,
    seq: d.seq,
    event_uid: d.uid,
    class_uid: d.classUid,
    severity_id: d.severityId,
    reason: d.reason,
    status_code: d.statusCode,
    response_text: d.responseText,
    attempts: d.attempts,
    published_at: iso(d.publishedAt)!,
    created_at: iso(d.createdAt)!,
    replay_requested_at: iso(d.replayRequestedAt),
    replayed_at: iso(d.replayedAt),
    event,
  };
}
