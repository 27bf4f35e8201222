/**
 * IBM QRadar config (SPEC §3, protocols.md §7): schema, secrets, and where events and REST calls go.
 *
 * `host` is the QRadar host: `https://qradar.example.com` (optionally with the console's port) or a bare hostname /
 * IP. Events go to `host`:`port` over the chosen transport; the REST check goes to the console, i.e. `host` as
 * given (its origin), so a console on another port than the receiver is expressed by putting that port in `host`.
 */
import { isIP } from 'node:net';
import { Type, type Static } from 'typebox';
import { connectorConfigSchema, commonDestinationFields } from '../shared/config-schema.ts';
import type { FieldIssue } from '../shared/types.ts';

export const QRADAR_TRANSPORTS = ['http_receiver', 'syslog_tls', 'syslog_tcp'] as const;
export type QradarTransport = (typeof QRADAR_TRANSPORTS)[number];

/** Defaults from IBM's protocol docs: HTTP Receiver 12469, TLS Syslog 6514, syslog 514. */
export const DEFAULT_PORTS: Readonly<Record<QradarTransport, number>> = {
  http_receiver: 12469,
  syslog_tls: 6514,
  syslog_tcp: 514,
};

export const qradarConfigSchema = connectorConfigSchema(
  {
    host: Type.String({
      minLength: 1,
      maxLength: 2048,
      pattern: '^(?:[hH][tT][tT][pP][sS]?://[^\\s/?#@]+/?|[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\])$',
      description: 'QRadar host: https://qradar.example.com, or a bare hostname / IP for syslog',
    }),
    token: Type.Optional(
      Type.String({ minLength: 1, maxLength: 512, pattern: '^\\S+$', description: 'Authorized service (SEC) token for the REST API' }),
    ),
    log_source_id: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Log source id; with token, the connection test checks it exists' }),
    ),
    transport: Type.Optional(
      Type.Enum([...QRADAR_TRANSPORTS], {
        description: 'http_receiver (default for http(s):// hosts), syslog_tls (default for bare hosts) or syslog_tcp',
      }),
    ),
    port: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 65535, description: 'Receiver port (default 12469 / 6514 / 514 by transport)' }),
    ),
  },
  'IBM QRadar (LEEF 2.0 over the HTTP Receiver or syslog)',
);

export type QradarConfig = Static<typeof qradarConfigSchema>;

export const qradarSecretFields = ['token'] as const;
/** Where events and the REST token go: the host (its origin for REST), the receiver's port and transport. */
export const qradarDestinationFields = ['host', 'port', 'transport', ...commonDestinationFields] as const;

/** Where a config sends things. */
export interface QradarTarget {
  transport: QradarTransport;
  /** Hostname or IP to connect to (IPv6 without brackets). */
  hostname: string;
  port: number;
  /** http_receiver only: the POST URL. */
  receiverUrl?: string;
  /** The console origin for the REST API. */
  restBase: string;
}

export function resolveTarget(config: QradarConfig): QradarTarget {
  const given = config.host.trim();
  const url = /^https?:\/\//i.test(given) ? new URL(given) : undefined;
  const hostname = (url?.hostname ?? given).replace(/^\[(.*)\]$/, '$1');
  // A bare host has no scheme to say "HTTP": default to the encrypted syslog transport.
  const transport = config.transport ?? (url ? 'http_receiver' : 'syslog_tls');
  const port = config.port ?? DEFAULT_PORTS[transport];
  const authority = isIP(hostname) === 6 ? `[${hostname}]` : hostname;
  return {
    transport,
    hostname,
    port,
    receiverUrl: transport === 'http_receiver' ? `${url?.protocol ?? 'https:'}//${authority}:${port}/` : undefined,
    restBase: url ? url.origin : `https://${authority}`,
  };
}

export function validateQradarConfig(config: QradarConfig): FieldIssue[] {
  const given = config.host.trim();
  if (/^https?:\/\//i.test(given)) {
    try {
      new URL(given);
    } catch {
      return [{ path: ['host'], message: 'Input should be https://host[:port] or a bare hostname', type: 'value_error' }];
    }
    if (/^http:/i.test(given) && config.transport !== undefined && config.transport !== 'http_receiver') {
      return [{ path: ['host'], message: 'An http:// host only makes sense with the http_receiver transport', type: 'value_error' }];
    }
  }
  return [];
}
