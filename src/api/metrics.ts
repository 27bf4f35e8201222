/** GET /metrics (SPEC §9): the service's Prometheus registry, text exposition format. Unauthenticated, like /healthz. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './context.ts';

export async function metricsRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { registry } = ctx.metrics;
  app.get(
    '/metrics',
    { schema: { tags: ['Operations'], summary: 'Prometheus metrics', produces: [registry.contentType.split(';')[0]] } },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}
