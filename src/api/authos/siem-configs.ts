/** AuthOS surface (seed 000): /api/organizations/:org_slug/siem-configs… */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ValidationError, forbidden, type ValidationIssue } from '../../errors.ts';
import { AUTHOS_PROVIDERS, authosToConfig, connectorTypeForProvider } from '../../siem-configs/authos-mapping.ts';
import { toAuthos, toAuthosListItem } from '../../siem-configs/projections.ts';
import { withoutSecrets } from '../../siem-configs/secrets.ts';
import { KEPT_ONLY_WHILE } from '../../siem-configs/secret-reentry.ts';
import { connectorCatalog } from '../../connectors/catalog.ts';
import { testStoredConfig } from '../../siem-configs/connection-test.ts';
import type { ApiContext } from '../context.ts';
import { WARNING_HEADER_DOC, sendWarnings } from './warning-headers.ts';
import { orgIdentity, type OrgIdentity } from '../plugins/auth.ts';

const Provider = Type.String({ description: `${Object.values(AUTHOS_PROVIDERS).join(', ')} (case-insensitive)`, maxLength: 32 });
const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'The collector endpoint URL' });
const Secret = Type.String({ minLength: 1, maxLength: 8192 });

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Friendly name for this configuration' }),
    provider_type: Provider,
    endpoint_url: Url,
    api_key: Type.Optional(Type.Union([Secret, Type.Null()], { description: 'API key or token (write-only, encrypted at rest)' })),
    auth_header: Type.Optional(Type.Union([Secret, Type.Null()], { description: 'Custom header "Name: value" (write-only; Custom only)' })),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    provider_type: Type.Optional(Provider),
    endpoint_url: Type.Optional(Url),
    api_key: Type.Optional(Type.Union([Secret, Type.Null()])),
    auth_header: Type.Optional(Type.Union([Secret, Type.Null()])),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
type Body = {
  name?: string;
  provider_type?: string;
  endpoint_url?: string;
  api_key?: string | null;
  auth_header?: string | null;
  batch_size?: number;
  enabled?: boolean;
};

const IsoTime = Type.String({ format: 'date-time' });
const AuthosConfig = Type.Object({
  id: Type.String({ format: 'uuid' }),
  org_id: Type.String(),
  name: Type.String(),
  provider_type: Type.String(),
  endpoint_url: Type.String(),
  batch_size: Type.Integer(),
  enabled: Type.Boolean(),
  last_successful_batch_at: Type.Union([IsoTime, Type.Null()]),
  failure_count: Type.Integer(),
  created_at: IsoTime,
});
/** A create or update answer: the seed's body, and warnings about the saved config in `Warning` headers. */
const AuthosConfigSaved = Type.Object(AuthosConfig.properties, { headers: WARNING_HEADER_DOC });
const AuthosListItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  provider_type: Type.String(),
  endpoint_url: Type.String(),
  enabled: Type.Boolean(),
  created_at: IsoTime,
});
const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }) });
const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody };
const OrgParams = Type.Object({ org_slug: Type.String({ minLength: 1, maxLength: 128 }) });
const ConfigParams = Type.Object({ org_slug: Type.String({ minLength: 1, maxLength: 128 }), config_id: Type.String({ format: 'uuid' }) });

/** Connector config field → the AuthOS field a user typed. */
const authosFieldOf: Record<string, string> = { url: 'endpoint_url', host: 'endpoint_url', endpoint_url: 'endpoint_url', token: 'api_key', api_key: 'api_key', auth_header: 'auth_header' };

function toAuthosIssues(issues: ValidationIssue[]): ValidationIssue[] {
  return issues.map((i) => {
    // Issues about body fields the surface has itself (name) keep their location.
    if (i.loc[0] === 'body' && i.loc[1] !== 'config' && i.loc.length > 1) return i;
    const configField = i.loc[0] === 'body' && i.loc[1] === 'config' ? String(i.loc[2] ?? '') : '';
    const field = authosFieldOf[configField] ?? (configField || 'body');
    if (i.type === 'secret_required') {
      // In this surface's terms; a secret it has no field for (set on the Arbitex surface) is given again there.
      const where = authosFieldOf[configField] ? '' : '; give it on /v1/org/siem-configs';
      return { loc: ['body', field], msg: `Must be given again when endpoint_url changes: ${KEPT_ONLY_WHILE}${where}`, type: i.type };
    }
    return { loc: ['body', field], msg: i.msg, type: i.type };
  });
}

export async function authosSiemConfigRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['SIEM configs (AuthOS surface)'];
  const security = [{ bearerAuth: [] }];
  const base = '/api/organizations/:org_slug/siem-configs';

  /** The path's org must be the token's org (else 403). */
  const slugCheck = async (request: FastifyRequest) => {
    const id = request.identity!;
    const slug = (request.params as { org_slug: string }).org_slug;
    if (id.orgSlug !== slug) throw forbidden('Token is not for this organisation');
  };
  const onRequest = [ctx.auth.orgAdmin, slugCheck];
  const actor = (id: OrgIdentity) => ({ sub: id.sub, orgId: id.orgId });
  const withAuthosErrors = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ValidationError) {
        const issues = toAuthosIssues(err.issues);
        throw new ValidationError(issues);
      }
      throw err;
    }
  };

  app.post<{ Params: { org_slug: string }; Body: Body }>(
    base,
    { onRequest, schema: { tags, security, summary: 'Create SIEM config', params: OrgParams, body: CreateBody, response: { 201: AuthosConfigSaved, ...errors } } },
    async (request, reply) => {
      const id = orgIdentity(request);
      const b = request.body;
      const type = connectorTypeForProvider(b.provider_type!);
      if (!type) {
        throw new ValidationError([{ loc: ['body', 'provider_type'], msg: `provider_type must be one of ${Object.values(AUTHOS_PROVIDERS).join(', ')}`, type: 'enum' }]);
      }
      if (b.auth_header != null && type !== 'http') {
        throw new ValidationError([{ loc: ['body', 'auth_header'], msg: 'auth_header is only supported with provider_type Custom', type: 'value_error' }]);
      }
      const config = authosToConfig(type, { endpoint_url: b.endpoint_url, api_key: b.api_key ?? undefined, auth_header: b.auth_header ?? undefined });
      const record = await withAuthosErrors(() =>
        ctx.configs.create(actor(id), { name: b.name, connectorType: type, config, batchSize: b.batch_size }),
      );
      sendWarnings(reply, record.saveWarnings);
      return reply.code(201).send(toAuthos(record, ctx.configs.decryptedConfig(record)));
    },
  );

  app.get<{ Params: { org_slug: string } }>(
    base,
    {
      onRequest,
      schema: { tags, security, summary: 'List SIEM configs', params: OrgParams, response: { 200: Type.Object({ siem_configs: Type.Array(AuthosListItem), total: Type.Integer() }), ...errors } },
    },
    async (request) => {
      const records = await ctx.configs.list(orgIdentity(request).orgId);
      return { siem_configs: records.map((r) => toAuthosListItem(r, ctx.configs.decryptedConfig(r))), total: records.length };
    },
  );

  app.get<{ Params: { org_slug: string; config_id: string } }>(
    `${base}/:config_id`,
    { onRequest, schema: { tags, security, summary: 'Get SIEM config', params: ConfigParams, response: { 200: AuthosConfig, ...errors } } },
    async (request) => {
      const r = await ctx.configs.get(orgIdentity(request).orgId, request.params.config_id);
      return toAuthos(r, ctx.configs.decryptedConfig(r));
    },
  );

  app.put<{ Params: { org_slug: string; config_id: string }; Body: Body }>(
    `${base}/:config_id`,
    { onRequest, schema: { tags, security, summary: 'Update SIEM config (only the fields given)', params: ConfigParams, body: UpdateBody, response: { 200: AuthosConfigSaved, ...errors } } },
    async (request, reply) => {
      const id = orgIdentity(request);
      const b = request.body;
      const current = await ctx.configs.get(id.orgId, request.params.config_id);
      let type = current.connectorType as ReturnType<typeof connectorTypeForProvider> & string;
      if (b.provider_type !== undefined) {
        const t = connectorTypeForProvider(b.provider_type);
        if (!t) throw new ValidationError([{ loc: ['body', 'provider_type'], msg: `provider_type must be one of ${Object.values(AUTHOS_PROVIDERS).join(', ')}`, type: 'enum' }]);
        type = t;
      }
      const touchesConnection = b.provider_type !== undefined || b.endpoint_url !== undefined || b.api_key !== undefined || b.auth_header !== undefined;
      if (touchesConnection && !['datadog', 'splunk_hec', 'elastic', 'http'].includes(type)) {
        throw new ValidationError([{ loc: ['body', 'endpoint_url'], msg: `This ${current.connectorType} config is managed on /v1/org/siem-configs`, type: 'value_error' }]);
      }
      if (b.auth_header != null && type !== 'http') {
        throw new ValidationError([{ loc: ['body', 'auth_header'], msg: 'auth_header is only supported with provider_type Custom', type: 'value_error' }]);
      }
      let config: Record<string, unknown> | undefined;
      if (touchesConnection) {
        // Secrets not given are kept by the service, and only while the destination stays the same.
        const existing = type === current.connectorType ? withoutSecrets(connectorCatalog[type], ctx.configs.decryptedConfig(current)) : {};
        if (type !== current.connectorType) {
          // Carry the endpoint over when only the provider changes.
          const old = toAuthos(current, ctx.configs.decryptedConfig(current));
          b.endpoint_url ??= old.endpoint_url;
        }
        config = authosToConfig(type, { endpoint_url: b.endpoint_url, api_key: b.api_key, auth_header: b.auth_header }, existing);
      }
      const updated = await withAuthosErrors(() =>
        ctx.configs.update(actor(id), request.params.config_id, {
          name: b.name,
          connectorType: type !== current.connectorType ? type : undefined,
          config,
          batchSize: b.batch_size,
          enabled: b.enabled,
        }),
      );
      sendWarnings(reply, updated.saveWarnings);
      return toAuthos(updated, ctx.configs.decryptedConfig(updated));
    },
  );

  app.delete<{ Params: { org_slug: string; config_id: string } }>(
    `${base}/:config_id`,
    { onRequest, schema: { tags, security, summary: 'Delete SIEM config', params: ConfigParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await ctx.configs.delete(actor(orgIdentity(request)), request.params.config_id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { org_slug: string; config_id: string } }>(
    `${base}/:config_id/test`,
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Test connection: one synthetic OCSF event, sent now',
        params: ConfigParams,
        response: { 200: Type.Object({ success: Type.Boolean(), message: Type.String() }), ...errors, 429: ErrorBody },
      },
    },
    async (request) => {
      const id = orgIdentity(request);
      const record = await ctx.configs.get(id.orgId, request.params.config_id);
      await ctx.tester.checkRate({ orgId: id.orgId });
      const result = await testStoredConfig(ctx.configs, ctx.tester, record);
      return { success: result.success, message: result.message };
    },
  );
}
