/**
 * The HTTP application: plugins, error rendering, OpenAPI, and the route modules of each surface.
 * Built from an ApiContext so tests can `app.inject()` against any store.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { connectorCatalog } from './connectors/catalog.ts';
import type { ApiContext } from './api/context.ts';
import { registerErrorHandler } from './api/plugins/error-handler.ts';
import { refuseUndecodedContentEncoding } from './api/plugins/content-encoding.ts';
import { opsRoutes } from './api/ops.ts';
import { authosSiemConfigRoutes } from './api/authos/siem-configs.ts';
import { arbitexSiemConfigRoutes } from './api/arbitex/siem-configs.ts';
import { arbitexDeliveryRoutes } from './api/arbitex/delivery.ts';
import { adminSiemRoutes } from './api/admin/siem.ts';
import { eventsRoutes } from './api/events.ts';
import { metricsRoutes } from './api/metrics.ts';

/** Config routes accept at most 1 MB bodies (413 beyond); the events route sets its own limit. */
export const CONFIG_BODY_LIMIT = 1_048_576;

export type RouteModule = (app: FastifyInstance, ctx: ApiContext) => Promise<void>;

/** `operationsOnly`: a delivery worker (serve --role worker) answers /healthz, /readyz and /metrics only. */
export async function buildApp(ctx: ApiContext, opts: { logger: Logger; extraRoutes?: RouteModule[]; operationsOnly?: boolean }): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger as unknown as FastifyBaseLogger,
    bodyLimit: CONFIG_BODY_LIMIT,
    // Bodies are never logged; request ids help correlate.
    requestIdHeader: 'x-request-id',
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: false } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  registerErrorHandler(app);
  refuseUndecodedContentEncoding(app);
  // Bodies are JSON (or NDJSON where a route says so): anything else is 415, not a string to validate.
  app.removeContentTypeParser('text/plain');

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'siemstream',
        version: '0.1.0',
        description: 'Streams OCSF security events into each organisation\'s SIEM. Errors: see README "Errors".',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    // Shared schemas keep their $id as the component name (ConnectorConfig_splunk_hec, …).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  for (const def of Object.values(connectorCatalog)) {
    app.addSchema({ ...def.configSchema, $id: `ConnectorConfig_${def.type}`, title: `${def.displayName} config` });
  }
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const surface = opts.operationsOnly
    ? [opsRoutes, metricsRoutes]
    : [opsRoutes, metricsRoutes, authosSiemConfigRoutes, arbitexSiemConfigRoutes, arbitexDeliveryRoutes, adminSiemRoutes, eventsRoutes];
  for (const routes of [...surface, ...(opts.extraRoutes ?? [])]) {
    await routes(app, ctx);
  }
  return app;
}
