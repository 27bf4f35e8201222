/** Arbitex surface (seed 001): /v1/org/siem-configs… */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ConnectorType } from '../../connectors/shared/types.ts';
import { toArbitex, iso } from '../../siem-configs/projections.ts';
import type { SiemConfigRecord } from '../../store/repos/siem-configs.ts';
import { testStoredConfig } from '../../siem-configs/connection-test.ts';
import type { ApiContext } from '../context.ts';
import { orgIdentity } from '../plugins/auth.ts';
import {
  ArbitexConfig,
  ArbitexCreateBody,
  ArbitexTestResult,
  ArbitexUpdateBody,
  AuditEntrySchema,
  ConfigIdParams,
  FastApiError,
  FastApiValidationError,
} from './schemas.ts';

type CreateBody = {
  connector_type: string;
  config: Record<string, unknown>;
  is_enabled?: boolean;
  name?: string;
  batch_size?: number;
  filters?: { class_uids?: number[] | null; min_severity_id?: number | null };
};
type UpdateBody = { [K in keyof CreateBody]?: CreateBody[K] | null };

const errors = { 401: FastApiError, 403: FastApiError, 404: FastApiError, 422: FastApiValidationError };

export async function arbitexSiemConfigRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['Per-org SIEM configs (Arbitex surface)'];
  const security = [{ bearerAuth: [] }];
  /** `saveWarnings`: what the egress policy doubts about a config just saved (never stored, so only in that answer). */
  const view = (r: SiemConfigRecord, saveWarnings: readonly string[] = []) =>
    toArbitex(r, ctx.configs.decryptedConfig(r), { revealSecrets: ctx.settings.revealSecrets, warnings: [...ctx.configs.warnings(r), ...saveWarnings] });
  const filtersOf = (f: CreateBody['filters'] | null | undefined) =>
    f ? { classUids: f.class_uids === undefined ? undefined : f.class_uids, minSeverity: f.min_severity_id === undefined ? undefined : f.min_severity_id } : undefined;

  app.post<{ Body: CreateBody }>(
    '/v1/org/siem-configs',
    { onRequest: ctx.auth.orgAdmin, schema: { tags, security, summary: 'Create a SIEM config', body: ArbitexCreateBody, response: { 201: ArbitexConfig, ...errors } } },
    async (request, reply) => {
      const id = orgIdentity(request);
      const b = request.body;
      const record = await ctx.configs.create(
        { sub: id.sub, orgId: id.orgId },
        {
          connectorType: b.connector_type as ConnectorType,
          config: b.config,
          enabled: b.is_enabled,
          name: b.name,
          batchSize: b.batch_size,
          filters: filtersOf(b.filters) as never,
        },
      );
      return reply.code(201).send(view(record, record.saveWarnings));
    },
  );

  app.get(
    '/v1/org/siem-configs',
    { onRequest: ctx.auth.orgAdmin, schema: { tags, security, summary: 'List SIEM configs, newest first', response: { 200: Type.Array(ArbitexConfig), ...errors } } },
    async (request) => (await ctx.configs.list(orgIdentity(request).orgId)).map((r) => view(r)),
  );

  app.get<{ Params: { config_id: string } }>(
    '/v1/org/siem-configs/:config_id',
    { onRequest: ctx.auth.orgAdmin, schema: { tags, security, summary: 'Get a SIEM config', params: ConfigIdParams, response: { 200: ArbitexConfig, ...errors } } },
    async (request) => view(await ctx.configs.get(orgIdentity(request).orgId, request.params.config_id)),
  );

  app.put<{ Params: { config_id: string }; Body: UpdateBody }>(
    '/v1/org/siem-configs/:config_id',
    {
      onRequest: ctx.auth.orgAdmin,
      schema: { tags, security, summary: 'Update only the fields given (a new config replaces the old one whole)', params: ConfigIdParams, body: ArbitexUpdateBody, response: { 200: ArbitexConfig, ...errors } },
    },
    async (request) => {
      const id = orgIdentity(request);
      const b = request.body;
      const updated = await ctx.configs.update(
        { sub: id.sub, orgId: id.orgId },
        request.params.config_id,
        {
          connectorType: (b.connector_type ?? undefined) as ConnectorType | undefined,
          config: b.config ?? undefined,
          enabled: b.is_enabled ?? undefined,
          name: b.name ?? undefined,
          batchSize: b.batch_size ?? undefined,
          filters: filtersOf(b.filters) as never,
        },
      );
      return view(updated, updated.saveWarnings);
    },
  );

  app.delete<{ Params: { config_id: string } }>(
    '/v1/org/siem-configs/:config_id',
    { onRequest: ctx.auth.orgAdmin, schema: { tags, security, summary: 'Delete a SIEM config (delivery stops at once)', params: ConfigIdParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const id = orgIdentity(request);
      await ctx.configs.delete({ sub: id.sub, orgId: id.orgId }, request.params.config_id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { config_id: string } }>(
    '/v1/org/siem-configs/:config_id/test',
    {
      onRequest: ctx.auth.orgAdmin,
      schema: { tags, security, summary: 'Send one synthetic OCSF event now (no queue)', params: ConfigIdParams, response: { 200: ArbitexTestResult, ...errors, 429: FastApiError } },
    },
    async (request) => {
      const id = orgIdentity(request);
      const record = await ctx.configs.get(id.orgId, request.params.config_id);
      await ctx.tester.checkRate({ orgId: id.orgId });
      const result = await testStoredConfig(ctx.configs, ctx.tester, record);
      return {
        config_id: record.id,
        connector_type: record.connectorType,
        success: result.success,
        events_sent: result.success ? result.eventsSent : 0,
        error: result.success ? null : result.message,
      };
    },
  );

  app.get<{ Params: { config_id: string } }>(
    '/v1/org/siem-configs/:config_id/audit',
    {
      onRequest: ctx.auth.orgAdmin,
      schema: { tags, security, summary: 'Who changed what, when (never secret values)', params: ConfigIdParams, response: { 200: Type.Array(AuditEntrySchema), ...errors } },
    },
    async (request) => {
      const entries = await ctx.configs.auditTrail(orgIdentity(request).orgId, request.params.config_id);
      return entries.map((e) => ({ id: e.id, config_id: e.configId, action: e.action, actor: e.actor, changed_fields: e.changedFields, at: iso(e.at)! }));
    },
  );
}
