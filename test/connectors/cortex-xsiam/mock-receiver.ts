/**
 * A strict Cortex XSIAM HTTP log collector (protocols.md §6.1): POST /logs/v1/event only, the raw collector key as
 * `Authorization` (a `Bearer …` form is refused like a wrong key), `Content-Type: application/json`, gzip bodies
 * exactly when the collector is set to gzip, newline-separated JSON objects (a JSON array is refused: the real
 * collector would mis-ingest it as one raw string), a 10 MB batch cap, and `200 {"error":"false"}`.
 */
import type { ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startLoopbackServer, type RecordedRequest } from '../shared/loopback-server.ts';
import type { MockReceiver } from '../compliance/types.ts';

type FaultKind = 'retry' | 'auth' | 'permanent' | 'too-large';

const MAX_BATCH_BYTES = 10 * 1024 * 1024;
const AUTH_FAILURE = '{"error":"Failed to validate authentication detail"}';

export interface XsiamMockReceiver extends MockReceiver {
  /** Every request that reached the collector path, as received. */
  requests(): RecordedRequest[];
}

export async function startXsiamMock(opts: { apiKey: string; gzip: boolean }): Promise<XsiamMockReceiver> {
  const accepted: Record<string, unknown>[] = [];
  const dataRequests: RecordedRequest[] = [];
  const faults: FaultKind[] = [];

  const server = await startLoopbackServer((req, res) => {
    if (req.url.split('?')[0] !== '/logs/v1/event') return reply(res, 404, '{"error":"Not Found"}');
    if (req.method !== 'POST') return reply(res, 405, '{"error":"Method Not Allowed"}');
    dataRequests.push(req);
    const fault = faults.shift();
    if (fault) return injectFault(res, fault);
    if (req.headers.authorization !== opts.apiKey) return reply(res, 401, AUTH_FAILURE);
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return reply(res, 400, '{"error":"unsupported content type"}');
    }
    const decoded = decodeBody(req, opts.gzip);
    if (typeof decoded === 'string') return reply(res, 400, JSON.stringify({ error: decoded }));
    if (req.body.length > MAX_BATCH_BYTES || decoded.length > MAX_BATCH_BYTES) {
      return reply(res, 413, '{"error":"Request entity too large"}');
    }
    const events = parseNdjson(decoded.toString('utf8'));
    if (typeof events === 'string') return reply(res, 400, JSON.stringify({ error: events }));
    accepted.push(...events);
    reply(res, 200, '{"error":"false"}');
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    events: () => [...accepted],
    requestCount: () => dataRequests.length,
    requests: () => [...dataRequests],
    failNext(kind, times = 1) {
      for (let i = 0; i < times; i++) faults.push(kind);
    },
    close: () => server.close(),
  };
}

function decodeBody(req: RecordedRequest, gzipCollector: boolean): Buffer | string {
  const encoding = req.headers['content-encoding'];
  if (gzipCollector !== (encoding === 'gzip')) {
    return gzipCollector ? 'collector expects gzip-compressed data' : `unexpected content-encoding ${encoding}`;
  }
  if (!gzipCollector) return req.body;
  try {
    return gunzipSync(req.body);
  } catch {
    return 'body is not valid gzip';
  }
}

/** One JSON object per line; blank lines are ignored. */
function parseNdjson(text: string): Record<string, unknown>[] | string {
  if (text.trimStart().startsWith('[')) return 'JSON array body: send one event per line';
  const events: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return 'line is not valid JSON';
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'line is not a JSON object';
    events.push(value as Record<string, unknown>);
  }
  return events.length ? events : 'no events in body';
}

function injectFault(res: ServerResponse, kind: FaultKind): void {
  switch (kind) {
    case 'retry':
      return reply(res, 429, '{"error":"Ingestion limit reached"}', { 'Retry-After': '1' });
    case 'auth':
      return reply(res, 401, AUTH_FAILURE);
    case 'permanent':
      return reply(res, 400, '{"error":"Bad request"}');
    case 'too-large':
      return reply(res, 413, '{"error":"Request entity too large"}');
  }
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body);
}
