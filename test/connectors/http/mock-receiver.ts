/**
 * A strict generic HTTP collector: POST on its one path, the configured auth (Bearer and/or a custom header),
 * the Content-Type of the configured format, gzip only with `Content-Encoding: gzip`, the Siemstream HMAC
 * signature verified exactly as the README tells receivers to (timestamp tolerance included), and a body parsed as
 * a JSON array of objects or NDJSON objects, nothing else.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startLoopbackServer, type RecordedRequest } from '../shared/loopback-server.ts';
import type { MockReceiver } from '../compliance/types.ts';

type FaultKind = 'retry' | 'auth' | 'permanent' | 'too-large';

export interface HttpMockOptions {
  path?: string;
  format: 'json_array' | 'ndjson';
  bearer?: string;
  /** A required custom header, e.g. ['X-API-Key', 'abc']. */
  authHeader?: [string, string];
  hmacSecret?: string;
  toleranceSeconds?: number;
  /** The receiver's clock (ms) for the signature tolerance. */
  now?: () => number;
  maxBodyBytes?: number;
}

export interface HttpMockReceiver extends MockReceiver {
  requests(): RecordedRequest[];
}

export async function startHttpMock(opts: HttpMockOptions): Promise<HttpMockReceiver> {
  const path = opts.path ?? '/ingest';
  const accepted: Record<string, unknown>[] = [];
  const dataRequests: RecordedRequest[] = [];
  const faults: FaultKind[] = [];

  const server = await startLoopbackServer((req, res) => {
    if (req.url !== path) return reply(res, 404, { error: 'not found' });
    if (req.method !== 'POST') return reply(res, 405, { error: 'method not allowed' });
    dataRequests.push(req);
    const fault = faults.shift();
    if (fault) return injectFault(res, fault);

    const authProblem = checkAuth(req, opts);
    if (authProblem) return reply(res, 401, { error: authProblem });
    const expectedType = opts.format === 'ndjson' ? 'application/x-ndjson' : 'application/json';
    if (req.headers['content-type'] !== expectedType) return reply(res, 415, { error: `expected ${expectedType}` });

    let body = req.body;
    const encoding = req.headers['content-encoding'];
    if (encoding === 'gzip') {
      try {
        body = gunzipSync(req.body);
      } catch {
        return reply(res, 400, { error: 'invalid gzip body' });
      }
    } else if (encoding !== undefined) return reply(res, 415, { error: `unsupported encoding ${encoding}` });
    if (body.length > (opts.maxBodyBytes ?? 10 * 1024 * 1024)) return reply(res, 413, { error: 'body too large' });

    if (opts.hmacSecret !== undefined) {
      const signatureProblem = verifySignature(req, body, opts.hmacSecret, opts.toleranceSeconds ?? 300, opts.now ?? Date.now);
      if (signatureProblem) return reply(res, 401, { error: signatureProblem });
    }
    const events = opts.format === 'ndjson' ? parseNdjson(body.toString('utf8')) : parseArray(body.toString('utf8'));
    if (typeof events === 'string') return reply(res, 400, { error: events });
    accepted.push(...events);
    reply(res, 200, { accepted: events.length });
  });

  return {
    url: `http://127.0.0.1:${server.port}${path}`,
    events: () => [...accepted],
    requestCount: () => dataRequests.length,
    requests: () => [...dataRequests],
    failNext(kind, times = 1) {
      for (let i = 0; i < times; i++) faults.push(kind);
    },
    close: () => server.close(),
  };
}

function checkAuth(req: RecordedRequest, opts: HttpMockOptions): string | undefined {
  if (opts.bearer !== undefined && req.headers.authorization !== `Bearer ${opts.bearer}`) return 'invalid bearer token';
  if (opts.authHeader && req.headers[opts.authHeader[0].toLowerCase()] !== opts.authHeader[1]) {
    return `invalid ${opts.authHeader[0]}`;
  }
  return undefined;
}

/** The README's verification, step for step. */
function verifySignature(req: RecordedRequest, body: Buffer, secret: string, toleranceSeconds: number, now: () => number): string | undefined {
  const id = req.headers['x-siemstream-id'];
  const timestamp = req.headers['x-siemstream-timestamp'];
  const signature = req.headers['x-siemstream-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') {
    return 'missing signature headers';
  }
  if (!/^\d+$/.test(timestamp) || Math.abs(now() / 1000 - Number(timestamp)) > toleranceSeconds) {
    return 'timestamp outside tolerance';
  }
  if (!signature.startsWith('v1=')) return 'unknown signature version';
  const expected = createHmac('sha256', secret).update(`${id}.${timestamp}.`).update(body).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature mismatch';
  return undefined;
}

function parseArray(text: string): Record<string, unknown>[] | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'body is not valid JSON';
  }
  if (!Array.isArray(value) || value.length === 0) return 'body must be a non-empty JSON array';
  if (!value.every(isObject)) return 'array items must be objects';
  return value;
}

function parseNdjson(text: string): Record<string, unknown>[] | string {
  if (!text.endsWith('\n')) return 'NDJSON lines must end with a newline';
  const events: Record<string, unknown>[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return 'line is not valid JSON';
    }
    if (!isObject(value)) return 'line is not a JSON object';
    events.push(value);
  }
  return events;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function injectFault(res: ServerResponse, kind: FaultKind): void {
  switch (kind) {
    case 'retry':
      return reply(res, 503, { error: 'unavailable' }, { 'Retry-After': '2' });
    case 'auth':
      return reply(res, 403, { error: 'forbidden' });
    case 'permanent':
      return reply(res, 400, { error: 'bad request' });
    case 'too-large':
      return reply(res, 413, { error: 'body too large' });
  }
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
