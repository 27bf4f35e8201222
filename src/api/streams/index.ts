/** The routes the console needs beyond the two surfaces (each usable by any client, documented in OpenAPI). */
import type { FastifyInstance } from 'fastify';
import { adminStreamRoutes } from '../admin/streams.ts';
import { connectorTypeRoutes } from '../connector-types.ts';
import type { ApiContext } from '../context.ts';
import { timeseriesRoutes } from '../timeseries.ts';
import { orgStreamRoutes } from './routes.ts';

export async function streamApiRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  await connectorTypeRoutes(app, ctx);
  await orgStreamRoutes(app, ctx);
  await timeseriesRoutes(app, ctx);
  await adminStreamRoutes(app, ctx);
}
