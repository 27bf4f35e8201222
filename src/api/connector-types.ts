/**
 * GET /v1/connector-types: every connector type with the JSON Schema of its `config` — the very schema that
 * validates API bodies — plus which fields are secrets (write-only), which decide where requests go (changing
 * one requires the secrets again) and the defaults the connector applies. Clients generate their forms from it
 * (the console does). Any valid token may read it: it describes the product, not an organisation.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { connectorCatalog } from '../connectors/catalog.ts';
import { FastApiError } from './arbitex/schemas.ts';
import type { ApiContext } from './context.ts';

const ConnectorTypeSchema = Type.Object({
  connector_type: Type.String(),
  display_name: Type.String(),
  secret_fields: Type.Array(Type.String(), { description: 'Write-only: never returned by the streams routes, "set"/"not_set" there' }),
  destination_fields: Type.Array(Type.String(), { description: 'Changing one of these requires every stored secret to be given again' }),
  defaults: Type.Record(Type.String(), Type.Unknown(), { description: 'Values the connector uses when a field is left out' }),
  config_schema: Type.Object({}, { additionalProperties: true, description: 'JSON Schema of `config` (also the OpenAPI component ConnectorConfig_<connector_type>)' }),
});

/** `… (default "ocsf")`, `… (default true)`, `(default gzip)`: the defaults the schemas' descriptions state. */
const DEFAULT_IN_DESCRIPTION = /\(default\s+"?([^")]+?)"?\)/i;

export function defaultsOf(schema: { properties?: Record<string, { type?: string; description?: string }> }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, prop] of Object.entries(schema.properties ?? {})) {
    const m = DEFAULT_IN_DESCRIPTION.exec(prop.description ?? '');
    if (!m) continue;
    const raw = m[1].trim();
    if (prop.type === 'boolean') {
      if (raw === 'true' || raw === 'false') out[field] = raw === 'true';
    } else if (prop.type === 'integer' || prop.type === 'number') {
      if (/^-?\d+(\.\d+)?$/.test(raw)) out[field] = Number(raw);
    } else {
      out[field] = raw;
    }
  }
  return out;
}

export async function connectorTypeRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const types = Object.values(connectorCatalog).map((def) => ({
    connector_type: def.type,
    display_name: def.displayName,
    secret_fields: [...def.secretFields],
    destination_fields: [...((def as { destinationFields?: readonly string[] }).destinationFields ?? [])],
    defaults: defaultsOf(def.configSchema as never),
    // A plain JSON copy: TypeBox marks its schemas with symbol keys that JSON leaves out anyway.
    config_schema: JSON.parse(JSON.stringify(def.configSchema)) as Record<string, unknown>,
  }));
  app.get(
    '/v1/connector-types',
    {
      onRequest: async (request) => {
        await ctx.auth.authenticate(request);
      },
      schema: {
        tags: ['Connector types'],
        security: [{ bearerAuth: [] }],
        summary: 'Connector types with their config JSON Schemas, secret and destination fields, defaults',
        response: { 200: Type.Object({ connector_types: Type.Array(ConnectorTypeSchema) }), 401: FastApiError },
      },
    },
    async () => ({ connector_types: types }),
  );
}
