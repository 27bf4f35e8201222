/**
 * Sumo Logic HTTP Logs source config (SPEC §3, protocols.md §5). The source URL's last path segment is the
 * collector token: the whole URL is the secret, and only a masked form is ever shown.
 */
import { Type, type Static } from 'typebox';
import { connectorConfigSchema, HttpUrl, checkEndpointUrl, commonDestinationFields } from '../shared/config-schema.ts';
import type { FieldIssue } from '../shared/types.ts';

/** A header value: no control characters (CR/LF would split the header). */
const HeaderValue = (description: string) =>
  Type.String({ minLength: 1, maxLength: 1024, pattern: '^[^\\x00-\\x1f\\x7f]+$', description });

export const sumoLogicConfigSchema = connectorConfigSchema(
  {
    url: HttpUrl('HTTP Logs source address, https://<endpoint>/receiver/v1/http/<token> (secret: the token is in the path)'),
    category: Type.Optional(HeaderValue('source category for these messages (X-Sumo-Category)')),
    source_name: Type.Optional(HeaderValue('source name (X-Sumo-Name)')),
    source_host: Type.Optional(HeaderValue('source host (X-Sumo-Host)')),
    fields: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[A-Za-z0-9_.-]{1,255}$' }),
        Type.String({ maxLength: 1024, pattern: '^[^,=\\x00-\\x1f\\x7f]*$', description: 'field value: no comma, equals sign or control character' }),
        {
          additionalProperties: false,
          maxProperties: 100,
          description: 'fields sent as X-Sumo-Fields: k=v,k2=v2 (names: letters, digits, _ . -; they must exist in the Fields schema)',
        },
      ),
    ),
    compression: Type.Optional(Type.Enum(['gzip', 'none'], { description: 'Request compression (default gzip)' })),
  },
  'Sumo Logic HTTP Logs source',
);

export type SumoLogicConfig = Static<typeof sumoLogicConfigSchema>;

export const sumoLogicSecretFields = ['url'] as const;
/** The URL is both where events go and the secret: changing it means giving a new one. */
export const sumoLogicDestinationFields = ['url', ...commonDestinationFields] as const;

const SOURCE_PATH = /^\/receiver\/v1\/http\/[^/]+\/?$/;

export function validateSumoLogicConfig(config: SumoLogicConfig): FieldIssue[] {
  // Sumo ignores query parameters ("Any query parameters will be ignored"), so they are allowed.
  const { url, issues } = checkEndpointUrl('url', config.url, { allowQuery: true, secretUrl: true });
  if (!url || issues.length > 0) return issues;
  if (!SOURCE_PATH.test(url.pathname)) {
    return [
      {
        path: ['url'],
        message: 'Input should be the HTTP source address, https://<endpoint>/receiver/v1/http/<token>',
        type: 'value_error',
      },
    ];
  }
  return [];
}

/** `https://endpoint1.collection.sumologic.com/receiver/v1/http/****`: where events go, without the secret. */
export function maskedSourceUrl(config: Pick<SumoLogicConfig, 'url'>): string {
  try {
    const url = new URL(config.url);
    const prefix = SOURCE_PATH.test(url.pathname) ? '/receiver/v1/http/' : '/';
    return `${url.origin}${prefix}****`;
  } catch {
    return '****';
  }
}
