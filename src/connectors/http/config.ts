/**
 * Generic HTTP collector config (SPEC §3, the AuthOS surface's `Custom` provider): schema, secrets, and the checks
 * on custom headers the schema cannot express.
 */
import { Type, type Static } from 'typebox';
import { connectorConfigSchema, HttpUrl, commonDestinationFields, credentialQueryMessage, credentialQueryParam } from '../shared/config-schema.ts';
import type { FieldIssue } from '../shared/types.ts';

/** RFC 9110 `token`: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** `Name: value` — one header, value non-empty, no line breaks (header injection). */
const AUTH_HEADER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r\n\0]*[^\s\0])[ \t]*$/;

export const httpConfigSchema = connectorConfigSchema(
  {
    url: HttpUrl('Collector URL the batches are POSTed to'),
    api_key: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4096, pattern: '^\\S+$', description: 'Sent as Authorization: Bearer <api_key>' }),
    ),
    auth_header: Type.Optional(
      Type.String({ minLength: 3, maxLength: 8192, description: 'One custom auth header as "Name: value", e.g. "X-API-Key: abc" (secret)' }),
    ),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String({ maxLength: 8192 }), {
        maxProperties: 50,
        description: 'Extra non-secret request headers (no hop-by-hop, Host, Content-Length or credentials)',
      }),
    ),
    format: Type.Optional(
      Type.Enum(['json_array', 'ndjson'], { description: 'Body format: a JSON array (default) or one event per line' }),
    ),
    hmac_secret: Type.Optional(
      Type.String({ minLength: 16, maxLength: 4096, description: 'Signs every body (X-Siemstream-Signature, see the README)' }),
    ),
    compression: Type.Optional(Type.Enum(['none', 'gzip'], { description: 'Request compression (default none)' })),
  },
  'Any HTTP collector',
);

export type HttpConfig = Static<typeof httpConfigSchema>;

export const httpSecretFields = ['api_key', 'auth_header', 'hmac_secret'] as const;
/** Where the credentials go. */
export const httpDestinationFields = ['url', ...commonDestinationFields] as const;

/** Headers the transport owns, or that are connection-scoped (RFC 9110 §7.6.1), or that the sender sets itself. */
const FORBIDDEN_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'content-encoding',
  'expect',
]);
const SIGNATURE_PREFIX = 'x-siemstream-';
/** Headers that carry credentials: `headers` is stored in plaintext and shown, so they go in auth_header. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'x-api-key', 'api-key', 'apikey', 'x-auth-token', 'x-access-token', 'dd-api-key', 'x-sumo-token']);

/** `"X-API-Key: abc"` → `['X-API-Key', 'abc']`; undefined when not of that form. */
export function parseAuthHeader(value: string): [name: string, value: string] | undefined {
  const m = AUTH_HEADER.exec(value);
  return m ? [m[1], m[2]] : undefined;
}

export function validateHttpConfig(config: HttpConfig): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const issue = (path: (string | number)[], message: string) => issues.push({ path, message, type: 'value_error' });

  try {
    const url = new URL(config.url);
    const param = credentialQueryParam(url);
    if (url.username || url.password) issue(['url'], 'URL must not contain credentials; use api_key or auth_header');
    else if (param) issue(['url'], credentialQueryMessage(param, 'use api_key or auth_header'));
  } catch {
    issue(['url'], 'Input should be an absolute http:// or https:// URL');
  }

  const authNames = new Set<string>();
  if (config.api_key !== undefined) authNames.add('authorization');
  if (config.auth_header !== undefined) {
    const parsed = parseAuthHeader(config.auth_header);
    // The message never echoes the value: the whole string is secret.
    if (!parsed) issue(['auth_header'], 'Must be one header as "Name: value" (e.g. "X-API-Key: <key>")');
    else if (isForbidden(parsed[0])) issue(['auth_header'], `Header ${parsed[0]} cannot be set`);
    else if (authNames.has(parsed[0].toLowerCase())) issue(['auth_header'], 'Authorization is already set from api_key');
    else authNames.add(parsed[0].toLowerCase());
  }

  const seen = new Set<string>();
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    const lower = name.toLowerCase();
    const path = ['headers', name];
    if (!HEADER_NAME.test(name)) issue(path, 'Invalid header name');
    else if (isForbidden(name)) issue(path, `Header ${name} cannot be set`);
    else if (CREDENTIAL_HEADERS.has(lower) || authNames.has(lower)) {
      issue(path, 'Credentials belong in api_key or auth_header (encrypted at rest)');
    } else if (seen.has(lower)) issue(path, 'Duplicate header name');
    else if (/[\r\n\0]/.test(value)) issue(path, 'Header values must not contain line breaks');
    seen.add(lower);
  }
  return issues;
}

function isForbidden(name: string): boolean {
  const lower = name.toLowerCase();
  return FORBIDDEN_HEADERS.has(lower) || lower.startsWith(SIGNATURE_PREFIX);
}
