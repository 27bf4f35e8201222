/**
 * A strict local imitation of Azure Monitor ingestion (protocols.md §4) on 127.0.0.1, all three endpoints on one
 * server:
 * - Entra ID token endpoint `POST /{tenant}/oauth2/v2.0/token`: form-encoded client credentials; checks tenant,
 *   grant_type, client_id, client_secret and the monitor scope; answers `{"token_type":"Bearer","expires_in":3599,
 *   "access_token":…}` or 400 with Entra's `{"error","error_description":"AADSTS…"}`;
 * - Logs Ingestion `POST /dataCollectionRules/{dcr}/streams/{stream}?api-version=2023-01-01`: a Bearer token this
 *   mock issued and not expired, api-version (percent-encoded keys decoded, as the SDK sends `api%2Dversion`),
 *   application/json, gzip or identity, 1,048,576-byte cap on the wire AND decompressed (413), a JSON array of
 *   objects with an ISO `TimeGenerated`, 204;
 * - legacy Data Collector `POST /api/logs?api-version=2016-04-01`: Log-Type regex, x-ms-date within ±15 min of the
 *   mock clock, the SharedKey signature recomputed from the received body length, a JSON array of flat-named
 *   objects, 30 MiB cap, 200 (403 `InvalidAuthorization` otherwise).
 * Errors use Azure's shapes: `{"error":{"code","message"}}` + `x-ms-error-code` (Logs Ingestion), `{"Error","Message"}`
 * (Data Collector).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { MockReceiver } from '../compliance/types.ts';

export const INGESTION_MAX_BYTES = 1_048_576;
export const DATA_COLLECTOR_MAX_BYTES = 30 * 1024 * 1024;
const CLOCK_SKEW_MS = 15 * 60 * 1000;
const ACCEPTED_SCOPES = new Set(['https://monitor.azure.com//.default', 'https://monitor.azure.com/.default']);
const LOG_TYPE = /^[A-Za-z0-9_]{1,100}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

type FaultKind = 'retry' | 'auth' | 'permanent' | 'too-large';
type Api = 'logs_ingestion' | 'data_collector';

export interface SentinelRequestRecord {
  api: Api | 'token' | 'unknown';
  method: string;
  path: string;
  /** The query exactly as received (e.g. `api%2Dversion=2023-01-01` from the SDK). */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  wireBytes: number;
  /** Decompressed body text ('' when never decoded; token forms with client_secret masked). */
  body: string;
  status: number;
}

interface Fault {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

export interface SentinelMockOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  dcrImmutableId?: string;
  streamName?: string;
  workspaceId?: string;
  /** base64 workspace key */
  sharedKey?: string;
  /** The mock's clock (token expiry, x-ms-date window). */
  now?: () => number;
  tokenLifetimeSeconds?: number;
}

export interface SentinelMockReceiver extends MockReceiver {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly dcrImmutableId: string;
  readonly streamName: string;
  readonly workspaceId: string;
  readonly sharedKey: string;
  /** A Logs Ingestion connector config pointing at this mock (token endpoint and DCE). */
  ingestionConfig(extra?: Record<string, unknown>): Record<string, unknown>;
  /** A legacy Data Collector connector config pointing at this mock. */
  dataCollectorConfig(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Every accepted record as received, `TimeGenerated` included. */
  records(): Record<string, unknown>[];
  requests(): SentinelRequestRecord[];
  tokenRequestCount(): number;
  /** Invalidates every issued token (the next data request with one gets 401). */
  revokeTokens(): void;
  /** Answer the next `times` data requests with this status and Azure error code. */
  failNextWith(status: number, times?: number, code?: string, headers?: Record<string, string>): void;
}

export async function startSentinelMock(opts: SentinelMockOptions = {}): Promise<SentinelMockReceiver> {
  const tenantId = opts.tenantId ?? '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const clientId = opts.clientId ?? '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
  const clientSecret = opts.clientSecret ?? 'Mock~Client.Secret_0123456789';
  const dcrImmutableId = opts.dcrImmutableId ?? 'dcr-00112233445566778899aabbccddeeff';
  const streamName = opts.streamName ?? 'Custom-OcsfEvents';
  const workspaceId = opts.workspaceId ?? 'b5f1c0de-1234-4abc-9def-0123456789ab';
  const sharedKey = opts.sharedKey ?? randomBytes(64).toString('base64');
  const now = opts.now ?? Date.now;
  const lifetime = opts.tokenLifetimeSeconds ?? 3599;

  const tokens = new Map<string, number>();
  const records: Record<string, unknown>[] = [];
  const requests: SentinelRequestRecord[] = [];
  const faults: (FaultKind | Fault)[] = [];
  let dataRequests = 0;
  let tokenRequests = 0;

  const FAULTS: Record<Api, Record<FaultKind, Fault>> = {
    logs_ingestion: {
      retry: { status: 429, code: 'TooManyRequests', message: 'Rate limit exceeded for the data collection rule.', headers: { 'Retry-After': '1' } },
      auth: {
        status: 403,
        code: 'OperationFailed',
        message: `The authentication token provided does not have access to ingest data for the data collection rule with immutable Id '${dcrImmutableId}'.`,
      },
      permanent: { status: 400, code: 'InvalidContent', message: 'The request content is not valid for the stream declaration.' },
      'too-large': { status: 413, code: 'ContentLengthLimitExceeded', message: `Maximum allowed content length: ${INGESTION_MAX_BYTES} bytes (1 MB).` },
    },
    data_collector: {
      retry: { status: 503, code: 'ServiceUnavailable', message: 'The service is currently unavailable.', headers: { 'Retry-After': '1' } },
      auth: { status: 403, code: 'InvalidAuthorization', message: 'The signature in the Authorization header is not valid.' },
      permanent: { status: 400, code: 'InvalidDataFormat', message: 'An invalid JSON was submitted.' },
      'too-large': { status: 413, code: 'RequestEntityTooLarge', message: 'The request exceeds the limit per post.' },
    },
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Keep one byte past the largest cap so an over-limit body is still recognised as such.
      if (size <= DATA_COLLECTOR_MAX_BYTES + 1) chunks.push(c);
    });
    req.on('end', () => {
      const [path, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
      const record: SentinelRequestRecord = {
        api: 'unknown',
        method: req.method ?? '',
        path,
        rawQuery,
        headers: req.headers,
        wireBytes: size,
        body: '',
        status: 0,
      };
      requests.push(record);
      const raw = Buffer.concat(chunks);
      const tokenRoute = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
      const ingestionRoute = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)$/.exec(path);
      if (tokenRoute) {
        record.api = 'token';
        record.status = handleToken(res, record, decodeURIComponent(tokenRoute[1]), raw);
      } else if (ingestionRoute) {
        record.api = 'logs_ingestion';
        record.status = handleIngestion(res, record, decodeURIComponent(ingestionRoute[1]), decodeURIComponent(ingestionRoute[2]), raw);
      } else if (path === '/api/logs') {
        record.api = 'data_collector';
        record.status = handleDataCollector(res, record, raw);
      } else {
        record.status = azureError(res, 404, 'NotFound', `No route for ${path}`);
      }
    });
  });

  // ---- Entra ID ----

  function handleToken(res: ServerResponse, record: SentinelRequestRecord, tenant: string, raw: Buffer): number {
    tokenRequests++;
    const { method, headers } = record;
    if (method !== 'POST') return entraError(res, 405, 'invalid_request', 'AADSTS900561: The endpoint only accepts POST requests.');
    if (mediaType(headers['content-type']) !== 'application/x-www-form-urlencoded') {
      return entraError(res, 400, 'invalid_request', "AADSTS900144: The request body must contain the following parameter: 'grant_type'.");
    }
    const form = new URLSearchParams(raw.toString('utf8'));
    // Recorded with the secret masked, so tests can inspect the form without handling the secret.
    const recorded = new URLSearchParams(form);
    if (recorded.has('client_secret')) recorded.set('client_secret', '***');
    record.body = recorded.toString();
    if (tenant !== tenantId) {
      return entraError(res, 400, 'invalid_request', `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`);
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return entraError(res, 400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
    }
    if (form.get('client_id') !== clientId) {
      return entraError(
        res,
        400,
        'unauthorized_client',
        `AADSTS700016: Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory '${tenant}'.`,
      );
    }
    if (form.get('client_secret') !== clientSecret) {
      return entraError(
        res,
        400,
        'invalid_client',
        `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
    }
    if (!ACCEPTED_SCOPES.has(form.get('scope') ?? '')) {
      return entraError(res, 400, 'invalid_scope', `AADSTS70011: The provided value for the input parameter 'scope' is not valid.`);
    }
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, now() + lifetime * 1000);
    return json(res, 200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token });
  }

  function entraError(res: ServerResponse, status: number, error: string, description: string): number {
    const traceId = randomUUID();
    return json(res, status, {
      error,
      error_description: `${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date(now()).toISOString()}`,
      error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
      trace_id: traceId,
    });
  }

  // ---- Logs Ingestion API ----

  function handleIngestion(res: ServerResponse, record: SentinelRequestRecord, dcr: string, stream: string, raw: Buffer): number {
    dataRequests++;
    const fault = nextFault('logs_ingestion');
    if (fault) return azureError(res, fault.status, fault.code, fault.message, fault.headers);
    if (record.method !== 'POST') return azureError(res, 405, 'MethodNotAllowed', 'Only POST is supported.');
    const apiVersion = new URLSearchParams(record.rawQuery).get('api-version');
    if (apiVersion === null) {
      return azureError(res, 400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    }
    if (apiVersion !== '2023-01-01') {
      return azureError(res, 400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '2023-01-01'.`);
    }
    const auth = String(record.headers.authorization ?? '');
    const token = /^Bearer (\S+)$/.exec(auth)?.[1];
    const expiresAt = token === undefined ? undefined : tokens.get(token);
    if (expiresAt === undefined || now() >= expiresAt) {
      return azureError(res, 401, 'InvalidToken', 'The provided authentication token is missing, expired or was not issued for https://monitor.azure.com.', {
        'WWW-Authenticate': 'Bearer',
      });
    }
    if (dcr !== dcrImmutableId) return azureError(res, 404, 'NotFound', `Data collection rule with immutable Id '${dcr}' not found.`);
    if (stream !== streamName) return azureError(res, 404, 'InvalidStream', `Stream '${stream}' is not declared in data collection rule '${dcr}'.`);
    if (mediaType(record.headers['content-type']) !== 'application/json') {
      return azureError(res, 415, 'UnsupportedMediaType', 'Content-Type must be application/json.');
    }
    if (record.wireBytes > INGESTION_MAX_BYTES) return tooLarge(res, record.wireBytes);
    const encoding = String(record.headers['content-encoding'] ?? 'identity').toLowerCase();
    let body: Buffer;
    if (encoding === 'gzip') {
      try {
        body = gunzipSync(raw, { maxOutputLength: INGESTION_MAX_BYTES + 1 });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(res, INGESTION_MAX_BYTES + 1);
        return azureError(res, 400, 'InvalidContentEncoding', 'The request body could not be decompressed as gzip.');
      }
    } else if (encoding === 'identity') {
      body = raw;
    } else {
      return azureError(res, 415, 'UnsupportedContentEncoding', `Content-Encoding '${encoding}' is not supported; use gzip.`);
    }
    if (body.length > INGESTION_MAX_BYTES) return tooLarge(res, body.length);
    record.body = body.toString('utf8');
    const parsed = parseRecords(record.body);
    if (typeof parsed === 'string') return azureError(res, 400, 'InvalidContent', parsed);
    for (let i = 0; i < parsed.length; i++) {
      const t = parsed[i].TimeGenerated;
      if (typeof t !== 'string' || !ISO_DATETIME.test(t) || Number.isNaN(Date.parse(t))) {
        return azureError(res, 400, 'InvalidContent', `Record ${i}: TimeGenerated must be an ISO 8601 datetime (the stream declares it).`);
      }
    }
    records.push(...parsed);
    res.writeHead(204).end();
    return 204;
  }

  function tooLarge(res: ServerResponse, bytes: number): number {
    return azureError(
      res,
      413,
      'ContentLengthLimitExceeded',
      `Maximum allowed content length: ${INGESTION_MAX_BYTES} bytes (1 MB). Provided content length: ${bytes} bytes.`,
    );
  }

  function azureError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): number {
    return json(res, status, { error: { code, message } }, { 'x-ms-error-code': code, ...headers });
  }

  // ---- legacy HTTP Data Collector API ----

  function handleDataCollector(res: ServerResponse, record: SentinelRequestRecord, raw: Buffer): number {
    dataRequests++;
    const fault = nextFault('data_collector');
    if (fault) return collectorError(res, fault.status, fault.code, fault.message, fault.headers);
    const h = record.headers;
    if (record.method !== 'POST') return collectorError(res, 405, 'MethodNotAllowed', 'Only POST is supported.');
    const apiVersion = new URLSearchParams(record.rawQuery).get('api-version');
    if (apiVersion === null) return collectorError(res, 400, 'MissingApiVersion', 'The API version was not specified.');
    if (apiVersion !== '2016-04-01') return collectorError(res, 400, 'InvalidApiVersion', 'The API version specified was not recognized by the service.');
    if (h['content-type'] === undefined) return collectorError(res, 400, 'MissingContentType', 'The content type was not specified.');
    if (mediaType(h['content-type']) !== 'application/json') {
      return collectorError(res, 400, 'UnsupportedContentType', 'The content type was not set to application/json.');
    }
    if (h['content-encoding'] !== undefined && String(h['content-encoding']).toLowerCase() !== 'identity') {
      return collectorError(res, 400, 'UnsupportedContentType', 'Compressed bodies are not supported.');
    }
    const logType = h['log-type'];
    if (logType === undefined) return collectorError(res, 400, 'MissingLogType', 'The value type log type was not specified.');
    if (!LOG_TYPE.test(String(logType))) {
      return collectorError(res, 400, 'InvalidLogType', 'The log type specified contained special characters or numerics only, or exceeded 100 characters.');
    }
    const authProblem = checkSharedKey(h, raw.length);
    if (authProblem) return collectorError(res, 403, 'InvalidAuthorization', authProblem);
    if (record.wireBytes > DATA_COLLECTOR_MAX_BYTES) {
      return collectorError(res, 413, 'RequestEntityTooLarge', `The request exceeds the ${DATA_COLLECTOR_MAX_BYTES}-byte limit per post.`);
    }
    record.body = raw.toString('utf8');
    const parsed = parseRecords(record.body);
    if (typeof parsed === 'string') return collectorError(res, 400, 'InvalidDataFormat', parsed);
    for (const [i, item] of parsed.entries()) {
      const bad = Object.keys(item).find((k) => !/^[A-Za-z0-9_]+$/.test(k));
      if (bad !== undefined) return collectorError(res, 400, 'InvalidDataFormat', `Record ${i}: property name '${bad}' is not letters, digits and _.`);
    }
    const timeField = h['time-generated-field'];
    if (timeField !== undefined) {
      for (const [i, item] of parsed.entries()) {
        const t = item[String(timeField)];
        if (typeof t !== 'string' || !ISO_DATETIME.test(t)) {
          return collectorError(res, 400, 'InvalidTimeGenerated', `Record ${i}: the time-generated-field '${timeField}' is not an ISO 8601 datetime.`);
        }
      }
    }
    records.push(...parsed);
    res.writeHead(200).end();
    return 200;
  }

  /** A reason to refuse the request, or undefined when date and signature check out. */
  function checkSharedKey(h: IncomingHttpHeaders, bodyBytes: number): string | undefined {
    const date = h['x-ms-date'];
    if (typeof date !== 'string' || !/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(date)) {
      return 'x-ms-date is missing or not an RFC 1123 date.';
    }
    if (Math.abs(Date.parse(date) - now()) > CLOCK_SKEW_MS) return 'x-ms-date is outside the allowed clock skew of 15 minutes.';
    if (h['content-length'] !== String(bodyBytes)) return 'Content-Length does not match the body.';
    const match = /^SharedKey ([^:\s]+):(\S+)$/.exec(String(h.authorization ?? ''));
    if (!match) return 'An invalid scheme was specified in the Authorization header.';
    if (match[1] !== workspaceId) return `Workspace '${match[1]}' is not known.`;
    const toSign = ['POST', String(bodyBytes), 'application/json', `x-ms-date:${date}`, '/api/logs'].join('\n');
    const expected = createHmac('sha256', Buffer.from(sharedKey, 'base64')).update(toSign).digest('base64');
    return match[2] === expected ? undefined : 'The signature in the Authorization header is not valid.';
  }

  function collectorError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): number {
    return json(res, status, { Error: code, Message: message }, headers);
  }

  // ---- common ----

  /** Injected faults are queued by kind and answered as the API that receives them would. */
  function nextFault(api: Api): Fault | undefined {
    const fault = faults.shift();
    return typeof fault === 'string' ? FAULTS[api][fault] : fault;
  }

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
    return status;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    tenantId,
    clientId,
    clientSecret,
    dcrImmutableId,
    streamName,
    workspaceId,
    sharedKey,
    ingestionConfig(extra = {}) {
      return {
        tenant_id: tenantId,
        client_id: clientId,
        client_secret: clientSecret,
        dce_url: url,
        dcr_immutable_id: dcrImmutableId,
        stream_name: streamName,
        authority_url: url,
        ...extra,
      };
    },
    dataCollectorConfig(extra = {}) {
      return { workspace_id: workspaceId, shared_key: sharedKey, log_type: 'OcsfEvents', endpoint_url: url, ...extra };
    },
    events: () =>
      records.map((r) => {
        // TimeGenerated is the table column the connector adds, not part of the OCSF event.
        const { TimeGenerated: _time, ...event } = r;
        return event;
      }),
    records: () => [...records],
    requests: () => [...requests],
    requestCount: () => dataRequests,
    tokenRequestCount: () => tokenRequests,
    revokeTokens: () => tokens.clear(),
    failNext(kind, times = 1) {
      for (let i = 0; i < times; i++) faults.push(kind);
    },
    failNextWith(status, times = 1, code = 'InjectedFailure', headers) {
      for (let i = 0; i < times; i++) faults.push({ status, code, message: `injected ${status}`, headers });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function mediaType(value: string | string[] | undefined): string {
  return String(Array.isArray(value) ? value[0] : (value ?? ''))
    .split(';')[0]
    .trim()
    .toLowerCase();
}

/** The records, or why the body is not a JSON array of objects. */
function parseRecords(text: string): Record<string, unknown>[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'The request body is not valid JSON.';
  }
  if (!Array.isArray(parsed)) return 'The request body must be a JSON array of records.';
  for (let i = 0; i < parsed.length; i++) {
    const item = parsed[i] as unknown;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return `Record ${i} is not a JSON object.`;
  }
  return parsed as Record<string, unknown>[];
}
