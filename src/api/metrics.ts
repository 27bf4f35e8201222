/**
 * GET /metrics (SPEC §9): the service's Prometheus registry, text exposition format. Its series name every
 * destination (config ids), so it can be closed off as Prometheus exporters do: SIEM_METRICS_TOKEN requires
 * `Authorization: Bearer <token>`, and SIEM_METRICS_PORT serves it on a listener of its own (app.ts). With
 * neither it is open, like /healthz, for local use.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { unauthenticated } from '../errors.ts';
import type { ApiContext } from './context.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** onRequest hook: the bearer token must be `token`, compared in constant time (digests: no length leak). */
function requireMetricsToken(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (match && timingSafeEqual(digest(match[1]!), expected)) return;
    reply.header('WWW-Authenticate', 'Bearer realm="metrics"');
    throw unauthenticated('GET /metrics requires Authorization: Bearer <SIEM_METRICS_TOKEN>');
  };
}

export async function metricsRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { registry } = ctx.metrics;
  const token = ctx.settings.metricsToken;
  app.get(
    '/metrics',
    {
      ...(token && { onRequest: requireMetricsToken(token) }),
      schema: {
        tags: ['Operations'],
        summary: token ? 'Prometheus metrics (bearer token: SIEM_METRICS_TOKEN)' : 'Prometheus metrics',
        produces: [registry.contentType.split(';')[0]],
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}
