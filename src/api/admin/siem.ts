/** Connector registry API (seed 001 "Connector registry API", SPEC §5): /api/admin/siem/…, platform admins only. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { iso } from '../../siem-configs/projections.ts';
import type { ApiContext } from '../context.ts';
import { TestResultValue } from '../arbitex/schemas.ts';

const Status = Type.Union(['healthy', 'degraded', 'error', 'not_configured'].map((s) => Type.Literal(s)));
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const IsoTime = Type.String({ format: 'date-time' });
/** The seed's fields first, as documented; then why a connector is not healthy (credentials redacted). */
const ConnectorSummary = Type.Object({
  connector_id: Type.String(),
  display_name: Type.String(),
  status: Status,
  connector_type: Type.String({ description: 'Class-like name, e.g. SplunkHECConnector' }),
  config_summary: Type.Object({}, { additionalProperties: true, description: 'Non-sensitive config fields only' }),
  failure_count: Type.Integer({ description: 'Consecutive failed deliveries and tests' }),
  last_error: Nullable(Type.String({ description: 'Why it is not_configured, or the last delivery or test failure (credentials redacted)' })),
  last_delivery_at: Nullable(IsoTime),
  last_successful_batch_at: Nullable(IsoTime),
  last_test_at: Nullable(IsoTime),
  last_test_result: Nullable(TestResultValue),
});
const ConnectorList = Type.Object({ connectors: Type.Array(ConnectorSummary), total: Type.Integer() });
const HealthCounts = Type.Object({
  healthy: Type.Integer(),
  degraded: Type.Integer(),
  error: Type.Integer(),
  not_configured: Type.Integer(),
  total: Type.Integer(),
});
const TestResult = Type.Object({
  connector_id: Type.String(),
  success: Type.Boolean(),
  events_sent: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
});
const ConnectorParams = Type.Object({ connector_id: Type.String({ minLength: 1, maxLength: 200 }) });
const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }) });
const errors = { 401: ErrorBody, 403: ErrorBody };

export async function adminSiemRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['Connector registry (global connectors)'];
  const security = [{ bearerAuth: [] }];
  const onRequest = ctx.auth.platformAdmin;

  app.get(
    '/api/admin/siem/connectors',
    { onRequest, schema: { tags, security, summary: 'List global connectors', response: { 200: ConnectorList, ...errors } } },
    async () => {
      const connectors = ctx.registry.list().map((c) => ({
        connector_id: c.connectorId,
        display_name: c.displayName,
        status: c.status,
        connector_type: c.className,
        config_summary: c.configSummary,
        failure_count: c.failureCount,
        last_error: c.lastError,
        last_delivery_at: iso(c.lastDeliveryAt),
        last_successful_batch_at: iso(c.lastSuccessAt),
        last_test_at: iso(c.lastTestAt),
        last_test_result: c.lastTestResult,
      }));
      return { connectors, total: connectors.length };
    },
  );

  app.get(
    '/api/admin/siem/health',
    { onRequest, schema: { tags, security, summary: 'Health counts across global connectors', response: { 200: HealthCounts, ...errors } } },
    async () => ctx.registry.health(),
  );

  app.post<{ Params: { connector_id: string } }>(
    '/api/admin/siem/test/:connector_id',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Send one synthetic OCSF event to a global connector now (no queue)',
        params: ConnectorParams,
        response: { 200: TestResult, ...errors, 404: ErrorBody, 422: ErrorBody, 429: ErrorBody },
      },
    },
    async (request) => {
      const { connector_id: connectorId } = request.params;
      if (!ctx.registry.get(connectorId)) throw notFound(`Global connector ${connectorId} is not registered`);
      // Limited per connector: the point is to spare each SIEM, whoever asks.
      await ctx.tester.checkRate({ globalConnectorId: connectorId });
      const result = await ctx.registry.test(connectorId);
      return { connector_id: result.connectorId, success: result.success, events_sent: result.eventsSent, error: result.error };
    },
  );
}
