/**
 * GET /api/admin/siem/streams (platform admins): every organisation's streams in the write-only view, filtered
 * by state, with the count per state — "which tenants are failing right now" in one answer. `state=failing`
 * is degraded, error and not_configured together.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { SiemConfigRecord } from '../../store/repos/siem-configs.ts';
import type { ApiContext } from '../context.ts';
import { StreamSchema, toStreamView } from '../streams/stream-view.ts';

const STATES = ['healthy', 'degraded', 'error', 'not_configured', 'paused'] as const;
const FAILING = new Set<string>(['degraded', 'error', 'not_configured']);

const Query = Type.Object({
  state: Type.Optional(Type.Union([...STATES, 'failing', 'all'].map((s) => Type.Literal(s)), { default: 'all' })),
  org_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only this organisation\'s streams' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

const Counts = Type.Object({
  healthy: Type.Integer(),
  degraded: Type.Integer(),
  error: Type.Integer(),
  not_configured: Type.Integer(),
  paused: Type.Integer(),
  total: Type.Integer(),
  failing_orgs: Type.Integer({ description: 'Organisations with at least one degraded, error or not_configured stream' }),
});

const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }) });

type Q = { state?: (typeof STATES)[number] | 'failing' | 'all'; org_id?: string; limit?: number; offset?: number };

export async function adminStreamRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Querystring: Q }>(
    '/api/admin/siem/streams',
    {
      onRequest: ctx.auth.platformAdmin,
      schema: {
        tags: ['Connector registry (global connectors)'],
        security: [{ bearerAuth: [] }],
        summary: "Every organisation's streams by state (failing first), with counts per state",
        querystring: Query,
        response: {
          200: Type.Object({ streams: Type.Array(StreamSchema), total: Type.Integer({ description: 'Streams matching the filter' }), counts: Counts }),
          401: ErrorBody,
          403: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (request) => {
      const { state = 'all', org_id: orgId, limit = 200, offset = 0 } = request.query;
      const all = (await ctx.configs.listAll()).filter((r) => orgId === undefined || r.orgId === orgId);
      const counts = { healthy: 0, degraded: 0, error: 0, not_configured: 0, paused: 0, total: all.length, failing_orgs: 0 };
      const failingOrgs = new Set<string>();
      for (const r of all) {
        counts[r.deliveryStatus] += 1;
        if (FAILING.has(r.deliveryStatus)) failingOrgs.add(r.orgId);
      }
      counts.failing_orgs = failingOrgs.size;
      const matches = (r: SiemConfigRecord) => state === 'all' || r.deliveryStatus === state || (state === 'failing' && FAILING.has(r.deliveryStatus));
      // Worst first: error, not_configured, degraded, then the rest; the latest change first within a state.
      const rank = (r: SiemConfigRecord) => ['error', 'not_configured', 'degraded', 'healthy', 'paused'].indexOf(r.deliveryStatus);
      const selected = all.filter(matches).sort((a, b) => rank(a) - rank(b) || b.updatedAt - a.updatedAt);
      const streams = selected.slice(offset, offset + limit).map((r) => toStreamView(r, { warnings: ctx.configs.warnings(r) }));
      return { streams, total: selected.length, counts };
    },
  );
}
