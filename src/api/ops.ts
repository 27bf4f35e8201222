/** Operations endpoints (SPEC §9): liveness, readiness. /metrics is registered by the metrics plugin. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ApiContext } from './context.ts';

export async function opsRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['Operations'];
  app.get('/healthz', { schema: { tags, summary: 'Alive', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary: 'Ready: the database answers',
        response: { 200: Type.Object({ status: Type.Literal('ready'), store: Type.String() }), 503: Type.Object({ status: Type.Literal('unavailable'), store: Type.String() }) },
      },
    },
    async (_request, reply) => {
      try {
        await ctx.store.ping();
        return { status: 'ready' as const, store: ctx.store.kind };
      } catch {
        return reply.code(503).send({ status: 'unavailable' as const, store: ctx.store.kind });
      }
    },
  );
}
