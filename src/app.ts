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
import { acceptEmptyJsonBodies } from './api/plugins/json-body.ts';
import { buildRequestValidator } from './api/plugins/request-validators.ts';
import { handleClientError } from './api/plugins/client-errors.ts';
import type { ServiceSettings } from './config/env.ts';
import { opsRoutes } from './api/ops.ts';
import { authosSiemConfigRoutes } from './api/authos/siem-configs.ts';
import { arbitexSiemConfigRoutes } from './api/arbitex/siem-configs.ts';
import { arbitexDeliveryRoutes } from './api/arbitex/delivery.ts';
import { adminSiemRoutes } from './api/admin/siem.ts';
import { eventsRoutes } from './api/events.ts';
import { metricsRoutes } from './api/metrics.ts';
import { streamApiRoutes } from './api/streams/index.ts';
import { consoleRoutes } from './console/plugin.ts';

/** Config routes accept at most 1 MB bodies (413 beyond); the events route sets its own limit. */
export const CONFIG_BODY_LIMIT = 1_048_576;

export type RouteModule = (app: FastifyInstance, ctx: ApiContext) => Promise<void>;

/**
 * The HTTP server's limits on slow clients: a request (headers and body) must arrive within requestTimeoutMs (408
 * beyond), its headers within headersTimeoutMs (slow-header connections hold nothing for longer); an idle
 * keep-alive connection closes after keepAliveTimeoutMs. Node.js checks the first two every
 * connectionsCheckingInterval, so that is kept well below them.
 */
function listenLimits(s: Pick<ServiceSettings, 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs'>) {
  const checkEvery = Math.max(50, Math.min(1000, Math.floor(Math.min(s.requestTimeoutMs, s.headersTimeoutMs) / 4)));
  return {
    requestTimeout: s.requestTimeoutMs,
    keepAliveTimeout: s.keepAliveTimeoutMs,
    http: { requestTimeout: s.requestTimeoutMs, headersTimeout: s.headersTimeoutMs, connectionsCheckingInterval: checkEvery },
    clientErrorHandler: handleClientError,
  };
}

/** Options every HTTP application of the service shares: limits, validation, JSON bodies, error rendering. */
function newFastify(settings: ServiceSettings, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    bodyLimit: CONFIG_BODY_LIMIT,
    // Bodies are never logged; request ids help correlate.
    requestIdHeader: 'x-request-id',
    // Bodies strict, query strings and paths coerced from text (request-validators.ts).
    schemaController: { compilersFactory: { buildValidator: buildRequestValidator as never } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...listenLimits(settings),
  });
  registerErrorHandler(app);
  refuseUndecodedContentEncoding(app);
  acceptEmptyJsonBodies(app);
  return app as unknown as FastifyInstance;
}

/** `operationsOnly`: a delivery worker (serve --role worker) answers /healthz, /readyz and /metrics only. */
export async function buildApp(ctx: ApiContext, opts: { logger: Logger; extraRoutes?: RouteModule[]; operationsOnly?: boolean }): Promise<FastifyInstance> {
  const app = newFastify(ctx.settings, opts.logger);
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

  // With a metrics listener of its own (SIEM_METRICS_PORT), /metrics is served there only.
  const ops: RouteModule[] = ctx.settings.metricsPort === undefined ? [opsRoutes, metricsRoutes] : [opsRoutes];
  const surface = opts.operationsOnly
    ? ops
    : [...ops, authosSiemConfigRoutes, arbitexSiemConfigRoutes, arbitexDeliveryRoutes, adminSiemRoutes, eventsRoutes, streamApiRoutes, consoleRoutes];
  for (const routes of [...surface, ...(opts.extraRoutes ?? [])]) {
    await routes(app, ctx);
  }
  return app;
}

/** The separate metrics listener (SIEM_METRICS_PORT, SIEM_METRICS_HOST): GET /metrics and nothing else. */
export async function buildMetricsApp(ctx: ApiContext, opts: { logger: Logger }): Promise<FastifyInstance> {
  const app = newFastify(ctx.settings, opts.logger);
  await metricsRoutes(app, ctx);
  return app;
}
