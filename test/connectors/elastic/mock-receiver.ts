/**
 * A strict local imitation of an Elasticsearch 8.x cluster's ingest surface (protocols.md §3.9), on 127.0.0.1:
 * - `POST|PUT /_bulk` and `/{target}/_bulk`: Content-Type `application/x-ndjson`, `application/json`, or the
 *   vendored `application/vnd.elasticsearch+x-ndjson; compatible-with=N` (N = 7 or 8, with a matching vendored
 *   Accept, else 400 media_type_header_exception); other types 406; `Content-Encoding` gzip/deflate; body over
 *   `http.max_content_length` 413; NDJSON rules and per-item results in mock-bulk.ts;
 * - `Authorization: ApiKey <b64 id:key>` or `Basic` (401 security_exception otherwise) unless security is off;
 * - `GET /` (cluster info), `GET /_security/_authenticate` (400 "no handler" when security is off),
 *   `GET /_cluster/health`; every answer carries `X-Elastic-Product: Elasticsearch`;
 * - fault injection: whole requests (429/401/400/413/503…) and single items by `_id` (429, 503, 400 poison).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { MockReceiver } from '../compliance/types.ts';
import { BulkRequestError, BulkStore, parseBulkBody, type EsErrorBody } from './mock-bulk.ts';

export const ES_VERSION = '8.15.3';
const DEFAULT_MAX_CONTENT_LENGTH = 100 * 1024 * 1024;

export interface ElasticMockOptions {
  /** 'api_key' (default), 'basic', or 'none' (security disabled). */
  auth?: 'api_key' | 'basic' | 'none';
  dataStreams?: string[];
  pipelines?: string[];
  deniedIndices?: string[];
  maxContentLength?: number;
}

export interface ElasticRequestRecord {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Decompressed body text. */
  body: string;
  status: number;
  /** The JSON answer, when there was one. */
  response?: unknown;
}

type FaultKind = 'retry' | 'auth' | 'permanent' | 'too-large';

const FAULT_STATUS: Record<FaultKind, number> = { retry: 429, auth: 401, permanent: 400, 'too-large': 413 };

const FAULT_ERRORS: Record<number, EsErrorBody> = {
  400: { type: 'illegal_argument_exception', reason: 'injected bad request' },
  401: { type: 'security_exception', reason: 'unable to authenticate with provided credentials and anonymous access is not allowed for this request' },
  403: { type: 'security_exception', reason: 'action [indices:data/write/bulk] is unauthorized for user [mock]' },
  429: { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation [injected]' },
  500: { type: 'exception', reason: 'injected internal error' },
  503: { type: 'unavailable_shards_exception', reason: '[ocsf-events][0] primary shard is not active' },
};

const ITEM_FAULTS: Record<number, EsErrorBody> = {
  400: { type: 'document_parsing_exception', reason: "[1:42] failed to parse field [user] of type [keyword] in document (injected)" },
  429: { type: 'es_rejected_execution_exception', reason: 'rejected execution of primary operation (injected)' },
  500: { type: 'exception', reason: 'injected item failure' },
  503: { type: 'unavailable_shards_exception', reason: 'primary shard is not active (injected)' },
};

export interface ElasticMockReceiver extends MockReceiver {
  /** The base64 `id:key` value a connector config uses. */
  readonly encodedApiKey: string;
  readonly username: string;
  readonly password: string;
  /** Every stored document as sent (with `@timestamp`), in arrival order. */
  documents(): Record<string, unknown>[];
  requests(): ElasticRequestRecord[];
  failNextWith(status: number, times?: number): void;
  /** The next `times` actions on this `_id` answer `status` (429/500/503 retryable, 400 poison). */
  failItem(id: string, status: 400 | 429 | 500 | 503, times?: number): void;
}

export async function startElasticMock(opts: ElasticMockOptions = {}): Promise<ElasticMockReceiver> {
  const authMode = opts.auth ?? 'api_key';
  const apiKeyId = 'VuaCfGcBCdbkQm-e5aOx';
  const apiKeySecret = 'ui2lp2axTNmsyakw9tvNnw';
  const username = 'siem-writer';
  const password = 'correct horse battery staple';
  const maxContentLength = opts.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
  const store = new BulkStore({ dataStreams: opts.dataStreams ?? [], pipelines: opts.pipelines, deniedIndices: opts.deniedIndices ?? [] });
  const documents: Record<string, unknown>[] = [];
  const requests: ElasticRequestRecord[] = [];
  const faults: number[] = [];
  const itemFaults = new Map<string, { status: number; times: number }>();
  let bulkRequests = 0;

  function reply(res: ServerResponse, record: ElasticRequestRecord, status: number, body?: unknown, headers: Record<string, string | string[]> = {}) {
    record.status = status;
    record.response = body;
    res.writeHead(status, { 'X-Elastic-Product': 'Elasticsearch', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  function replyError(res: ServerResponse, record: ElasticRequestRecord, status: number, error: EsErrorBody, headers: Record<string, string | string[]> = {}) {
    reply(res, record, status, { error: { root_cause: [error], ...error }, status }, headers);
  }

  function authenticate(req: IncomingMessage, path: string): { user: string; type: string } | EsErrorBody {
    if (authMode === 'none') return { user: '_anonymous', type: 'anonymous' };
    const header = req.headers.authorization;
    if (!header) return { type: 'security_exception', reason: `missing authentication credentials for REST request [${path}]` };
    const [scheme, value = ''] = header.split(' ', 2);
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    if (authMode === 'api_key' && scheme === 'ApiKey' && decoded === `${apiKeyId}:${apiKeySecret}`) return { user: 'siem-writer', type: 'api_key' };
    if (authMode === 'basic' && scheme === 'Basic' && decoded === `${username}:${password}`) return { user: username, type: 'realm' };
    return { type: 'security_exception', reason: `unable to authenticate with provided credentials and anonymous access is not allowed for this request` };
  }

  function mediaTypeProblem(req: IncomingMessage): { status: number; error: EsErrorBody } | undefined {
    const contentType = String(req.headers['content-type'] ?? '');
    const accept = String(req.headers.accept ?? '');
    const ct = parseMediaType(contentType);
    const compatAccept = accept
      .split(',')
      .map(parseMediaType)
      .find((m) => m.type.startsWith('application/vnd.elasticsearch+'));
    const ctCompat = ct.type.startsWith('application/vnd.elasticsearch+');
    if (!ctCompat && ['application/x-ndjson', 'application/json'].includes(ct.type)) {
      if (compatAccept) return versionMismatch(contentType, accept);
      return undefined;
    }
    if (ctCompat && ['application/vnd.elasticsearch+x-ndjson', 'application/vnd.elasticsearch+json'].includes(ct.type)) {
      const version = ct.params['compatible-with'];
      if (!compatAccept || compatAccept.params['compatible-with'] !== version) return versionMismatch(contentType, accept);
      if (version !== '7' && version !== '8') {
        return {
          status: 400,
          error: {
            type: 'media_type_header_exception',
            reason: `Invalid media-type value on headers [Content-Type, Accept]`,
            caused_by: { type: 'status_exception', reason: `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=${accept}, Content-Type=${contentType}` },
          },
        };
      }
      return undefined;
    }
    return { status: 406, error: { type: 'content_type', reason: `Content-Type header [${contentType}] is not supported` } };
  }

  function handleBulk(req: IncomingMessage, res: ServerResponse, record: ElasticRequestRecord, raw: Buffer | null, target: string | undefined) {
    bulkRequests++;
    const injected = faults.shift();
    if (injected !== undefined) {
      if (injected === 413) return reply(res, record, 413);
      return replyError(res, record, injected, FAULT_ERRORS[injected] ?? { type: 'exception', reason: `injected ${injected}` });
    }
    if (req.method !== 'POST' && req.method !== 'PUT') {
      return replyError(res, record, 405, { type: 'exception', reason: `Incorrect HTTP method for uri [${record.path}] and method [${req.method}], allowed: [POST, PUT]` });
    }
    const who = authenticate(req, record.path);
    if ('reason' in who) return replyError(res, record, 401, who, { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'ApiKey'] });
    const media = mediaTypeProblem(req);
    if (media) {
      if (media.status === 406) return reply(res, record, 406, { error: media.error.reason, status: 406 });
      return replyError(res, record, media.status, media.error);
    }
    if (raw === null) return reply(res, record, 413);
    let text: string;
    const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    try {
      const limit = { maxOutputLength: maxContentLength + 1 };
      const decoded =
        encoding === 'gzip' || encoding === 'x-gzip' ? gunzipSync(raw, limit)
        : encoding === 'deflate' ? inflateSync(raw, limit)
        : encoding === 'identity' ? raw
        : undefined;
      if (!decoded) return replyError(res, record, 400, { type: 'illegal_argument_exception', reason: `unsupported Content-Encoding [${encoding}]` });
      if (decoded.length > maxContentLength) return reply(res, record, 413);
      text = decoded.toString('utf8');
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return reply(res, record, 413);
      return replyError(res, record, 400, { type: 'illegal_argument_exception', reason: `invalid ${encoding} body` });
    }
    record.body = text;

    let ops;
    try {
      ops = parseBulkBody(text, target, record.query.get('pipeline') ?? undefined);
    } catch (err) {
      if (err instanceof BulkRequestError) return replyError(res, record, err.status, err.error);
      throw err;
    }
    const started = Date.now();
    const items = ops.map((op) => {
      const fault = op.id === undefined ? undefined : itemFaults.get(op.id);
      if (fault && fault.times > 0) {
        fault.times--;
        const error = { ...(ITEM_FAULTS[fault.status] ?? { type: 'exception', reason: 'injected' }), index: op.index };
        return store.itemJson(op, { status: fault.status, id: op.id!, error });
      }
      const result = store.execute(op);
      if (result.document && op.action !== 'update') documents.push(result.document);
      return store.itemJson(op, result);
    });
    const errors = items.some((i) => Object.values(i)[0] && ((Object.values(i)[0] as { status: number }).status >= 300));
    reply(res, record, 200, { errors, took: Date.now() - started, items });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxContentLength) chunks.push(c);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://mock');
      const path = url.pathname;
      const record: ElasticRequestRecord = { method: req.method ?? '', path, query: url.searchParams, headers: req.headers, body: '', status: 0 };
      requests.push(record);
      const raw = size > maxContentLength ? null : Buffer.concat(chunks);
      const bulk = /^\/(?:([^/]+)\/)?_bulk$/.exec(path);
      if (bulk) return handleBulk(req, res, record, raw, bulk[1] === undefined ? undefined : decodeURIComponent(bulk[1]));

      const route = `${req.method} ${path}`;
      if (route === 'GET /_security/_authenticate' && authMode === 'none') {
        return reply(res, record, 400, { error: `no handler found for uri [${path}] and method [GET]`, status: 400 });
      }
      const who = authenticate(req, path);
      if ('reason' in who) return replyError(res, record, 401, who, { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'ApiKey'] });
      switch (route) {
        case 'GET /':
          return reply(res, record, 200, {
            name: 'mock-node-1',
            cluster_name: 'siemstream-mock',
            cluster_uuid: 'mOcKcLuStErUuId0000001',
            version: { number: ES_VERSION, build_flavor: 'default', lucene_version: '9.11.1', minimum_wire_compatibility_version: '7.17.0', minimum_index_compatibility_version: '7.0.0' },
            tagline: 'You Know, for Search',
          });
        case 'HEAD /':
          return reply(res, record, 200);
        case 'GET /_security/_authenticate':
          return reply(res, record, 200, {
            username: who.user,
            roles: ['siem_writer'],
            full_name: null,
            email: null,
            metadata: {},
            enabled: true,
            authentication_realm: { name: who.type === 'api_key' ? '_es_api_key' : 'default_native', type: who.type === 'api_key' ? '_es_api_key' : 'native' },
            lookup_realm: { name: 'default_native', type: 'native' },
            authentication_type: who.type,
            ...(who.type === 'api_key' ? { api_key: { id: apiKeyId, name: 'siemstream' } } : {}),
          });
        case 'GET /_cluster/health':
          return reply(res, record, 200, { cluster_name: 'siemstream-mock', status: 'green', number_of_nodes: 1 });
        default:
          return reply(res, record, 400, { error: `no handler found for uri [${path}] and method [${req.method}]`, status: 400 });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    encodedApiKey: Buffer.from(`${apiKeyId}:${apiKeySecret}`).toString('base64'),
    username,
    password,
    documents: () => documents.slice(),
    /** The stored documents without the `@timestamp` the connector adds, i.e. the OCSF events as published. */
    events: () =>
      documents.map((d) => {
        const { '@timestamp': _ts, ...event } = d;
        return event;
      }),
    requests: () => requests.slice(),
    requestCount: () => bulkRequests,
    failNext(kind, times = 1) {
      for (let i = 0; i < times; i++) faults.push(FAULT_STATUS[kind]);
    },
    failNextWith(status, times = 1) {
      for (let i = 0; i < times; i++) faults.push(status);
    },
    failItem(id, status, times = 1) {
      itemFaults.set(id, { status, times });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseMediaType(value: string): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const [k, v] = p.split('=');
    if (k && v !== undefined) params[k.trim().toLowerCase()] = v.trim();
  }
  return { type: type.trim().toLowerCase(), params };
}

function versionMismatch(contentType: string, accept: string): { status: number; error: EsErrorBody } {
  return {
    status: 400,
    error: {
      type: 'media_type_header_exception',
      reason: 'Invalid media-type value on headers [Content-Type, Accept]',
      caused_by: {
        type: 'status_exception',
        reason: `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=${accept}, Content-Type=${contentType}`,
      },
    },
  };
}
