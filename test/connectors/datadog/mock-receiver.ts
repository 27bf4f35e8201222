/**
 * A strict local imitation of the Datadog Logs intake (protocols.md §2) and the key-validation API, on 127.0.0.1.
 * - `POST /api/v2/logs` (202 `{}`) and the legacy `POST /v1/input` (200 `{}`, the AuthOS seed's URL);
 * - `DD-API-KEY` required (401 missing, 403 wrong), `Content-Type: application/json`,
 *   `Content-Encoding` identity | gzip | deflate (else 415);
 * - body: a JSON array of ≤ 1000 objects (more → 413), ≤ 5,000,000 bytes decompressed (else 413), each with a
 *   string `message` (else 400);
 * - `GET /api/v1/validate` → 200 `{"valid":true}` / 403 `{"errors":["Forbidden"]}`;
 * - fault injection for any status (with Retry-After where the real service sends one).
 * Errors use Datadog's `{"errors":[{"status","title","detail"}]}` shape.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { MockReceiver } from '../compliance/types.ts';

export const DD_MAX_ITEMS = 1000;
export const DD_MAX_BYTES = 5_000_000;
/** Compressed bodies above this are refused before inflating (a zip bomb guard, not a Datadog number). */
const MAX_WIRE_BYTES = 10 * DD_MAX_BYTES;

export interface DatadogLogItem extends Record<string, unknown> {
  message: string;
}

export interface DatadogRequestRecord {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Decompressed body text. */
  body: string;
  status: number;
}

type FaultKind = 'retry' | 'auth' | 'permanent' | 'too-large';

interface Fault {
  status: number;
  headers?: Record<string, string>;
}

const FAULTS: Record<FaultKind, Fault> = {
  retry: { status: 429, headers: { 'Retry-After': '1' } },
  auth: { status: 403 },
  permanent: { status: 400 },
  'too-large': { status: 413 },
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface DatadogMockReceiver extends MockReceiver {
  readonly apiKey: string;
  /** Every accepted log item, as sent. */
  items(): DatadogLogItem[];
  /** Every request (data and validate), accepted or not. */
  requests(): DatadogRequestRecord[];
  /** Answer the next `times` data requests with this status (Datadog error body; extra headers as given). */
  failNextWith(status: number, times?: number, headers?: Record<string, string>): void;
}

export async function startDatadogMock(opts: { apiKey?: string } = {}): Promise<DatadogMockReceiver> {
  const apiKey = opts.apiKey ?? 'dd-mock-api-key-0123456789abcdef';
  const items: DatadogLogItem[] = [];
  const events: Record<string, unknown>[] = [];
  const requests: DatadogRequestRecord[] = [];
  const faults: Fault[] = [];
  let dataRequests = 0;

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
    return status;
  }

  function sendError(res: ServerResponse, status: number, detail: string, headers?: Record<string, string>): number {
    const title = TITLES[status] ?? 'Error';
    return send(res, status, { errors: [{ status: String(status), title, detail }] }, headers);
  }

  function checkKey(req: IncomingMessage, res: ServerResponse): number | undefined {
    const key = req.headers['dd-api-key'];
    if (key === undefined) return sendError(res, 401, 'API key is missing');
    if (key !== apiKey) return sendError(res, 403, 'Forbidden');
    return undefined;
  }

  function handleValidate(req: IncomingMessage, res: ServerResponse): number {
    if (req.method !== 'GET') return sendError(res, 405, 'Method Not Allowed');
    const key = req.headers['dd-api-key'];
    if (key !== apiKey) return send(res, 403, { errors: ['Forbidden'] });
    return send(res, 200, { valid: true });
  }

  function handleIntake(req: IncomingMessage, res: ServerResponse, raw: Buffer | null, successStatus: number): { status: number; body: string } {
    dataRequests++;
    const fault = faults.shift();
    if (fault) return { status: sendError(res, fault.status, `injected ${fault.status}`, fault.headers), body: '' };
    if (req.method !== 'POST') return { status: sendError(res, 405, 'Method Not Allowed'), body: '' };
    const keyStatus = checkKey(req, res);
    if (keyStatus) return { status: keyStatus, body: '' };

    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') return { status: sendError(res, 415, `Unsupported Content-Type "${type}"`), body: '' };

    if (raw === null) return { status: sendError(res, 413, 'Payload too large'), body: '' };
    let decoded: Buffer;
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    try {
      if (encoding === 'gzip') decoded = gunzipSync(raw, { maxOutputLength: DD_MAX_BYTES + 1 });
      else if (encoding === 'deflate') decoded = inflateSync(raw, { maxOutputLength: DD_MAX_BYTES + 1 });
      else if (encoding === 'identity') decoded = raw;
      else return { status: sendError(res, 415, `Unsupported Content-Encoding "${encoding}"`), body: '' };
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        return { status: sendError(res, 413, `Payload too large (max ${DD_MAX_BYTES} bytes uncompressed)`), body: '' };
      }
      return { status: sendError(res, 400, `Malformed ${encoding} body`), body: '' };
    }
    if (decoded.length > DD_MAX_BYTES) {
      return { status: sendError(res, 413, `Payload too large (max ${DD_MAX_BYTES} bytes uncompressed)`), body: '' };
    }
    const text = decoded.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { status: sendError(res, 400, 'Malformed JSON body'), body: text };
    }
    if (!Array.isArray(parsed)) return { status: sendError(res, 400, 'Body must be a JSON array of log items'), body: text };
    if (parsed.length > DD_MAX_ITEMS) {
      return { status: sendError(res, 413, `Too many log items (${parsed.length} > ${DD_MAX_ITEMS})`), body: text };
    }
    for (let i = 0; i < parsed.length; i++) {
      const item = parsed[i] as unknown;
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        return { status: sendError(res, 400, `Log item ${i} is not an object`), body: text };
      }
      if (typeof (item as { message?: unknown }).message !== 'string') {
        return { status: sendError(res, 400, `Log item ${i}: "message" must be a string`), body: text };
      }
      for (const field of ['ddsource', 'ddtags', 'hostname', 'service'] as const) {
        const v = (item as Record<string, unknown>)[field];
        if (v !== undefined && typeof v !== 'string') {
          return { status: sendError(res, 400, `Log item ${i}: "${field}" must be a string`), body: text };
        }
      }
    }
    for (const item of parsed as DatadogLogItem[]) {
      items.push(item);
      // Datadog parses JSON messages into attributes; the OCSF event travels there.
      try {
        const inner = JSON.parse(item.message) as unknown;
        if (inner && typeof inner === 'object' && !Array.isArray(inner)) events.push(inner as Record<string, unknown>);
      } catch {
        // A plain-text log line (e.g. from the official client's example): kept in items() only.
      }
    }
    return { status: send(res, successStatus, {}), body: text };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_WIRE_BYTES) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      const raw = tooBig ? null : Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0];
      const record: DatadogRequestRecord = { method: req.method ?? '', path, headers: req.headers, body: '', status: 0 };
      requests.push(record);
      if (path === '/api/v1/validate') {
        record.status = handleValidate(req, res);
      } else if (path === '/api/v2/logs' || path === '/v1/input') {
        const r = handleIntake(req, res, raw, path === '/v1/input' ? 200 : 202);
        record.status = r.status;
        record.body = r.body;
      } else {
        record.status = sendError(res, 404, `No route for ${path}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    events: () => events.slice(),
    items: () => items.slice(),
    requests: () => requests.slice(),
    requestCount: () => dataRequests,
    failNext(kind, times = 1) {
      for (let i = 0; i < times; i++) faults.push(FAULTS[kind]);
    },
    failNextWith(status, times = 1, headers) {
      for (let i = 0; i < times; i++) faults.push({ status, headers });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
