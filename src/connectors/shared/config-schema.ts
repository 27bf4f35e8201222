/**
 * Building blocks for connector config schemas (TypeBox), and the one validator every surface uses.
 * A connector's schema is its API body schema (OpenAPI) and its runtime validator at once.
 */
import { Type, type TObject, type TProperties } from 'typebox';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldIssue } from './types.ts';

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
  return (validate.errors ?? []).map(toIssue);
}

/** One Ajv error as a FastAPI-like issue (also used for API body/params validation). */
export function toIssue(e: ErrorObject): FieldIssue {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
  switch (e.keyword) {
    case 'required':
      return { path: [...path, (e.params as { missingProperty: string }).missingProperty], message: 'Field required', type: 'missing' };
    case 'additionalProperties':
      return {
        path: [...path, (e.params as { additionalProperty: string }).additionalProperty],
        message: 'Extra inputs are not permitted',
        type: 'extra_forbidden',
      };
    case 'type':
      return { path, message: `Input should be a valid ${(e.params as { type: string }).type}`, type: `${(e.params as { type: string }).type}_type` };
    case 'pattern':
    case 'format':
      return { path, message: patternMessage(e), type: 'value_error' };
    case 'enum':
      return {
        path,
        message: `Input should be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`,
        type: 'enum',
      };
    case 'minLength':
      return { path, message: (e.params as { limit: number }).limit <= 1 ? 'String should not be empty' : `String should have at least ${(e.params as { limit: number }).limit} characters`, type: 'string_too_short' };
    case 'maxLength':
      return { path, message: `String should have at most ${(e.params as { limit: number }).limit} characters`, type: 'string_too_long' };
    case 'minimum':
    case 'maximum':
      return { path, message: `Input should be ${e.keyword === 'minimum' ? '>=' : '<='} ${(e.params as { limit: number }).limit}`, type: e.keyword === 'minimum' ? 'greater_than_equal' : 'less_than_equal' };
    default:
      return { path, message: e.message ?? 'Invalid value', type: 'value_error' };
  }
}

function patternMessage(e: ErrorObject): string {
  const desc = (e.parentSchema as { description?: string } | undefined)?.description;
  if (String((e.params as { pattern?: string }).pattern ?? '').includes('[hH][tT][tT][pP]')) {
    return 'Input should be an absolute http:// or https:// URL';
  }
  return desc ? `Invalid value (${desc})` : e.message ?? 'Invalid value';
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
