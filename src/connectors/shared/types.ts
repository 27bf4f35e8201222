/**
 * The connector contract. Every SIEM lives in `src/connectors/<type>/` and exports one
 * `ConnectorDefinition` from its `index.ts`; nothing outside a connector's folder knows its wire format.
 *
 * Glossary
 * - DeliveryEvent: one OCSF event as the pipeline hands it over: its JSON text (as stored, never re-serialised
 *   on the hot path) plus the few fields that routing and encoders need without parsing.
 * - Encoder: a pure function, events -> EncodedRequest (bytes + headers). No I/O, no clock except `now` passed in.
 * - Sender: the connector's `send()`: encode, transmit through the egress-guarded transport, classify.
 * - Outcome: what happened to a batch, classified once (see classify.ts):
 *   success | retry | partial | too-large | auth | permanent.
 */
import type { TObject } from 'typebox';
import type { Logger } from 'pino';

export const CONNECTOR_TYPES = [
  'splunk_hec',
  'datadog',
  'elastic',
  'sentinel',
  'sumo_logic',
  'cortex_xsiam',
  'qradar',
  'http',
] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

/** An OCSF event as parsed JSON. `metadata.uid` is always set by the time it reaches a connector. */
export type OcsfEvent = Record<string, unknown> & {
  class_uid: number;
  category_uid?: number;
  activity_id?: number;
  type_uid?: number;
  severity_id: number;
  time: number;
  metadata: Record<string, unknown> & { uid: string; version: string; product: Record<string, unknown> };
};

/** One event as handed to a connector. `json` is the exact stored JSON text of the OCSF event. */
export interface DeliveryEvent {
  /** metadata.uid */
  uid: string;
  /** OCSF `time`, epoch milliseconds. */
  time: number;
  classUid: number;
  severityId: number;
  /** The OCSF event serialised as JSON (object text, no trailing newline). */
  json: string;
  /**
   * `json` as UTF-8, when the pipeline has those bytes already (an event stored as it was sent: a view of its
   * publish request's body). Encoders that write `json` as is copy these instead of encoding it (BodyWriter.json).
   */
  jsonUtf8?: Uint8Array;
}

/**
 * A fully built HTTP request: what the encoder produces and what `preview` shows.
 * `body` is UNCOMPRESSED; when `gzip` is true the shared sender step (shared/compression.ts) gzips it
 * asynchronously and adds `Content-Encoding: gzip` just before sending. Auth headers are included
 * (preview redacts them).
 */
export interface EncodedRequest {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  gzip: boolean;
  /** Number of events encoded in this request. */
  eventCount: number;
}

export type DeliveryOutcome =
  | { kind: 'success'; status?: number; message?: string }
  /**
   * Some events of the batch were delivered. Indices refer to the batch passed to `send`.
   * Events whose index is in neither `retry` nor `rejected` were delivered.
   */
  | {
      kind: 'partial';
      status?: number;
      retry: number[];
      rejected: { index: number; reason: string }[];
      retryAfterMs?: number;
      message?: string;
    }
  | { kind: 'retry'; status?: number; retryAfterMs?: number; message: string }
  /** 413 or over the connector's limit: the caller splits the batch in halves (a single event is permanent). */
  | { kind: 'too-large'; status?: number; message: string }
  /** 401/403, or anything only a config change can fix (egress refused, bad URL): keep events, probe slowly. */
  | { kind: 'auth'; status?: number; message: string }
  | { kind: 'permanent'; status?: number; message: string };

export type OutcomeKind = DeliveryOutcome['kind'];

export interface ConnectorLimits {
  /** Max events per request (e.g. Datadog 1000). */
  maxEventsPerRequest: number;
  /** Max uncompressed body bytes per request. */
  maxRequestBytes: number;
  /** Max bytes of one event (as encoded); a larger event is permanent (dead-lettered). */
  maxEventBytes: number;
}

export interface ConnectionTestResult {
  success: boolean;
  /** HTTP status of the decisive request, when there was one. */
  status?: number;
  /** e.g. "Successfully connected to SIEM endpoint (status: 200 OK)" or the SIEM's own error text. */
  message: string;
  eventsSent: number;
}

// ---- transport (implemented in src/connectors/shared/http-transport.ts, egress-guarded) ----

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'HEAD';
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Connect + response timeout in ms (default 10 000). */
  timeoutMs?: number;
  /** Verify TLS certificates (default true). */
  verifySsl?: boolean;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text(): string;
}

/**
 * Thrown by transports for failures below HTTP. `code`:
 * - `egress_refused`: the target resolved to a blocked address or used plain http/tcp without allowance
 *   (no connection was made);
 * - `timeout`, `network`, `tls`, `dns`: transient or config problems at the connection level.
 */
export class TransportError extends Error {
  constructor(
    readonly code: 'egress_refused' | 'timeout' | 'network' | 'tls' | 'dns' | 'invalid_url',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

export interface HttpTransport {
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** A connected byte stream (TCP or TLS) for syslog, opened through the egress guard. */
export interface StreamTransport {
  /** Opens a connection to host:port (TLS when `tls`), resolved and pinned by the egress guard. */
  connect(opts: {
    host: string;
    port: number;
    tls: boolean;
    verifySsl?: boolean;
    timeoutMs?: number;
  }): Promise<import('node:net').Socket>;
}

export interface ConnectorDeps {
  http: HttpTransport;
  stream: StreamTransport;
  logger: Logger;
  /** Injected clock (ms). */
  now: () => number;
  /**
   * Tells the destination's redactor about a credential obtained at run time (an OAuth access token), so a
   * receiver echoing it back is redacted like the configured secrets. Set by shared/redacting-connector.ts.
   */
  noteSecret?(value: string): void;
}

export interface Connector {
  readonly type: ConnectorType;
  readonly limits: ConnectorLimits;
  /** Pure: the exact request(s) this connector would send for these events (no I/O). */
  encode(events: readonly DeliveryEvent[]): EncodedRequest[];
  /** Deliver one batch (already within limits). Never throws for delivery failures: returns the outcome. */
  send(events: readonly DeliveryEvent[], opts?: { signal?: AbortSignal }): Promise<DeliveryOutcome>;
  /** Send the given synthetic event straight to the SIEM, plus any cheap credential check. */
  test(event: DeliveryEvent): Promise<ConnectionTestResult>;
  close(): Promise<void>;
}

/**
 * A connector's own send of one batch, shared by its sender and its connection test (the test sends the
 * synthetic event the same way a batch goes).
 */
export type Deliver = (events: readonly DeliveryEvent[], signal?: AbortSignal) => Promise<DeliveryOutcome>;

export interface FieldIssue {
  /** Path inside `config`, e.g. ['url'] or ['tenant_id']. */
  path: (string | number)[];
  message: string;
  /** Machine type, FastAPI-like: 'missing', 'value_error', 'extra_forbidden', 'type_error', ... */
  type: string;
}

export interface ConnectorDefinition<C extends Record<string, unknown> = Record<string, unknown>> {
  type: ConnectorType;
  /** Class-like name shown by the registry API (e.g. 'SplunkHECConnector'). */
  className: string;
  /** Human name, e.g. 'Splunk HEC'. */
  displayName: string;
  /**
   * TypeBox schema of `config`: additionalProperties false, required fields, types, URL formats.
   * It is both the API body schema (OpenAPI) and the runtime validator.
   */
  configSchema: TObject;
  /** Top-level config keys that are secrets: encrypted at rest, never logged, masked when asked. */
  secretFields: readonly string[];
  /**
   * Top-level config keys that decide where requests (and so the secrets) go: URLs, hosts, site, tenant, port,
   * transport. Changing one of them requires every stored secret to be given again (src/siem-configs/
   * secret-reentry.ts), so an admin cannot redirect a stored credential to a host of their choosing. Every
   * connector lists `verify_ssl` too (shared/config-schema.ts commonDestinationFields).
   */
  destinationFields: readonly string[];
  /**
   * The credentials as sent, where they are not a secret field's value as is (Elasticsearch Basic auth: base64 of
   * "user:password"), so a receiver echoing them back is redacted too (shared/secret-redactor.ts).
   */
  sentCredentials?(config: C): string[];
  /** Checks the schema cannot express (one of two forms, scheme rules). Runs after the schema passed. */
  validate?(config: C): FieldIssue[];
  /** Non-fatal notices shown with the config (e.g. Sentinel legacy form retirement). */
  warnings?(config: C): string[];
  /** The URL-ish value shown as `endpoint_url` on the AuthOS surface. */
  endpointOf(config: C): string;
  create(config: C, deps: ConnectorDeps): Connector;
}
