/**
 * Building blocks for connector config schemas (TypeBox), and the one validator every surface uses.
 * A connector's schema is its API body schema (OpenAPI) and its runtime validator at once.
 */
import { Type, type TObject, type TProperties } from 'typebox';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldIssue } from './types.ts';
import { toIssues } from './schema-issues.ts';

// ajv-formats is CommonJS: under NodeNext the default import is module.exports, whose `default` is the plugin.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** An absolute http(s) URL. Plain http is accepted here; the egress guard refuses it at send time unless allowed. */
export const HttpUrl = (description: string) =>
  Type.String({ minLength: 8, maxLength: 2048, pattern: '^[hH][tT][tT][pP][sS]?://[^\\s/?#]+[^\\s]*$', description });

export const NonEmpty = (description: string, maxLength = 1024) =>
  Type.String({ minLength: 1, maxLength, description });

/** Fields every connector accepts. */
export const commonConnectorFields = {
  verify_ssl: Type.Optional(Type.Boolean({ description: 'Verify TLS certificates (default true)' })),
  timeout_ms: Type.Optional(
    Type.Integer({ minimum: 100, maximum: 300_000, description: 'Connect and response timeout in ms (default 10000)' }),
  ),
} satisfies TProperties;

/** Common fields that decide who can receive the secrets: with TLS verification off, anyone on the path can. */
export const commonDestinationFields = ['verify_ssl'] as const;

/** A connector config schema: the given fields plus the common ones, unknown fields rejected. */
export function connectorConfigSchema<P extends TProperties>(properties: P, description: string) {
  return Type.Object({ ...properties, ...commonConnectorFields }, { additionalProperties: false, description });
}

// verbose: errors carry parentSchema, whose description patternMessage shows.
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false, verbose: true });
addFormats(ajv);
const compiled = new WeakMap<TObject, ReturnType<typeof ajv.compile>>();

/** Validates a config object against a connector schema; returns FastAPI-like issues (empty = valid). */
export function validateAgainstSchema(schema: TObject, config: unknown): FieldIssue[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(config)) return [];
  return toIssues(validate.errors ?? []);
}

/**
 * The URL rules connectors apply beyond the schema's pattern: the URL parses; no query string (unless the endpoint
 * takes one) and no fragment; no credentials, in the user-info or as a query parameter named like one — they
 * belong in the secret fields, not in a URL that is stored in plaintext and shown in responses and logs. Gives the parsed URL and at most one issue.
 */
export function checkEndpointUrl(
  field: string,
  value: string,
  /** `secretUrl`: the URL is itself a secret field (Sumo Logic), encrypted with whatever its query holds. */
  opts: { allowQuery?: boolean; credentialsHint?: string; secretUrl?: boolean } = {},
): { url?: URL; issues: FieldIssue[] } {
  const issue = (message: string) => [{ path: [field], message, type: 'value_error' }];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { issues: issue('Input should be an absolute http:// or https:// URL') };
  }
  if (!opts.allowQuery && (url.search || url.hash)) return { url, issues: issue('URL must not contain a query string or fragment') };
  if (url.hash) return { url, issues: issue('URL must not contain a fragment') };
  if (url.username || url.password) {
    return { url, issues: issue(`URL must not contain credentials${opts.credentialsHint ? `; ${opts.credentialsHint}` : ''}`) };
  }
  const param = opts.allowQuery && !opts.secretUrl ? credentialQueryParam(url) : undefined;
  if (param) return { url, issues: issue(credentialQueryMessage(param, opts.credentialsHint)) };
  return { url, issues: [] };
}

/** Query parameter names that carry credentials (`?dd-api-key=…`, `?token=…`, an Azure SAS `sig`). */
const CREDENTIAL_PARAM = /^(?:.*[-_.])?(?:token|key|apikey|secret|password|passwd|pwd|auth|authorization|signature|sig|credentials?)$/i;

/**
 * The first query parameter of `url` whose name says it is a credential. Such a value would sit in a field that
 * is stored in plaintext and shown in every response: it belongs in a secret field.
 */
export function credentialQueryParam(url: URL): string | undefined {
  for (const name of url.searchParams.keys()) if (CREDENTIAL_PARAM.test(name)) return name;
  return undefined;
}

export function credentialQueryMessage(param: string, hint?: string): string {
  return `URL must not carry credentials in its query (${param})${hint ? `; ${hint}` : ''}`;
}
