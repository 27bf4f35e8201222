/**
 * GET /v1/org/siem-configs/{id}/timeseries?window=1h|24h: a config's delivered / failed / retried /
 * dead-lettered events and latency p50/p99 over the last hour (a point a minute) or day (a point per 5 minutes),
 * from the per-minute counters delivery keeps for 25 h. Same auth and errors as the other delivery routes.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { unavailable } from '../errors.ts';
import type { TimeseriesWindow } from '../pipeline/delivery/timeseries.ts';
import { iso } from '../siem-configs/projections.ts';
import { ConfigIdParams, FastApiError, FastApiValidationError } from './arbitex/schemas.ts';
import type { ApiContext } from './context.ts';
import { orgIdentity } from './plugins/auth.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const TimeseriesQuery = Type.Object({
  window: Type.Optional(Type.Union([Type.Literal('1h'), Type.Literal('24h')], { default: '1h', description: 'The last hour (1-minute steps) or day (5-minute steps)' })),
});

const Point = Type.Object({
  t: Type.String({ format: 'date-time', description: 'Start of the step' }),
  delivered: Type.Integer(),
  failed: Type.Integer({ description: 'Events in send attempts that failed (each attempt counts)' }),
  retried: Type.Integer(),
  dead_lettered: Type.Integer(),
  latency_p50_ms: Nullable(Type.Integer({ description: 'Publish → acknowledgement; over several minutes, their delivered-weighted mean' })),
  latency_p99_ms: Nullable(Type.Integer({ description: 'Over several minutes, the largest of theirs' })),
});

const TimeseriesSchema = Type.Object({
  config_id: Type.String(),
  window: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  step_seconds: Type.Integer(),
  points: Type.Array(Point, { description: 'Every step of the window, oldest first; the last one is the current step' }),
});

export async function timeseriesRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Params: { config_id: string }; Querystring: { window?: TimeseriesWindow } }>(
    '/v1/org/siem-configs/:config_id/timeseries',
    {
      onRequest: ctx.auth.orgAdmin,
      schema: {
        tags: ['Per-org SIEM configs: delivery'],
        security: [{ bearerAuth: [] }],
        summary: 'Delivery counters and latency over the last hour or day, for charts',
        params: ConfigIdParams,
        querystring: TimeseriesQuery,
        response: { 200: TimeseriesSchema, 401: FastApiError, 403: FastApiError, 404: FastApiError, 422: FastApiValidationError, 503: FastApiError },
      },
    },
    async (request) => {
      const r = await ctx.configs.get(orgIdentity(request).orgId, request.params.config_id);
      if (!ctx.delivery) throw unavailable('Delivery is not available in this process');
      const window = request.query.window ?? '1h';
      const series = await ctx.delivery.timeseries(r.id, window);
      return {
        config_id: r.id,
        window,
        from: iso(series.from)!,
        to: iso(series.to)!,
        step_seconds: series.stepMs / 1000,
        points: series.points.map((p) => ({
          t: iso(p.t)!,
          delivered: p.delivered,
          failed: p.failed,
          retried: p.retried,
          dead_lettered: p.deadLettered,
          latency_p50_ms: p.latencyP50Ms,
          latency_p99_ms: p.latencyP99Ms,
        })),
      };
    },
  );
}
