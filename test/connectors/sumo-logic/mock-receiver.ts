/**
 * A strict local imitation of a Sumo Logic HTTP Logs source (protocols.md §5) on 127.0.0.1:
 * - `POST /receiver/v1/http/<token>` with the path matching `^/receiver/v1/http/[A-Za-z0-9_=-]+$` (else 404) and a
 *   token the mock knows (else 401);
 * - `Content-Encoding` identity | gzip | deflate (else 415), body valid UTF-8 (else 400), at most 1,000,000 bytes
 *   uncompressed (else 413);
 * - logs only: a metrics Content-Type (`application/vnd.sumologic.*`) is refused;
 * - `X-Sumo-Fields` parsed as a `k=v,k2=v2` list (a malformed entry → 400); X-Sumo-Category/Name/Host recorded;
 * - every body line is one message; 200 with an empty body;
 * - fault injection: 429 with Sumo's quota text, 401, 400, 413.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { MockReceiver } from '../compliance/types.ts';

export const SUMO_MAX_BYTES = 1_000_000;
export const SUMO_QUOTA_TEXT = 'You have temporarily exceeded your Sumo Logic quota. Please try again at a later time';
const SOURCE_PATH = /^\/receiver\/v1\/http\/([A-Za-z0-9_=-]+)$/;
/** Compressed bodies above this are refused before inflating (a zip bomb guard, not a Sumo number). */
const MAX_WIRE_BYTES = 4 * SUMO_MAX_BYTES;

type FaultKind = 'retry' | 'auth' | 'permanent' | 'too-large';

export interface SumoMessage {
  line: string;
  category?: string;
  name?: string;
  host?: string;
  fields: Record<string, string>;
}

export interface SumoRequestRecord {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  wireBytes: number;
  /** Decompressed body ('' when never decoded). */
  body: string;
  status: number;
}

interface Fault {
  status: number;
  text: string;
}

const FAULTS: Record<FaultKind, Fault> = {
  retry: { status: 429, text: SUMO_QUOTA_TEXT },
  auth: { status: 401, text: 'Unauthorized' },
  permanent: { status: 400, text: 'Bad Request' },
  'too-large': { status: 413, text: 'Request Entity Too Large' },
};

export interface SumoMockReceiver extends MockReceiver {
  /** The collector token the mock accepts. */
  readonly token: string;
  /** The full HTTP source URL (the secret). */
  readonly sourceUrl: string;
  messages(): SumoMessage[];
  requests(): SumoRequestRecord[];
  failNextWith(status: number, times?: number, text?: string, headers?: Record<string, string>): void;
}

export async function startSumoLogicMock(opts: { token?: string } = {}): Promise<SumoMockReceiver> {
  const token = opts.token ?? `ZaVnC4dhaV3${randomBytes(16).toString('hex')}_Mock==`;
  const messages: SumoMessage[] = [];
  const requests: SumoRequestRecord[] = [];
  const faults: (Fault & { headers?: Record<string, string> })[] = [];
  let dataRequests = 0;

  function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): number {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
    res.end(body);
    return status;
  }

  function handle(record: SumoRequestRecord, res: ServerResponse, raw: Buffer | null): number {
    const match = SOURCE_PATH.exec(record.path);
    if (!match) return text(res, 404, 'Not Found');
    dataRequests++;
    const fault = faults.shift();
    if (fault) return text(res, fault.status, fault.text, fault.headers);
    if (match[1] !== token) return text(res, 401, 'Unauthorized');
    if (record.method !== 'POST') return text(res, 405, 'Method Not Allowed');
    const h = record.headers;
    const type = String(h['content-type'] ?? '').toLowerCase();
    if (type.startsWith('application/vnd.sumologic.')) return text(res, 400, 'Metrics and logs cannot be sent in the same request to this logs source');
    if (raw === null) return text(res, 413, 'Request Entity Too Large');

    let body: Buffer;
    const encoding = String(h['content-encoding'] ?? 'identity').toLowerCase();
    try {
      if (encoding === 'gzip') body = gunzipSync(raw, { maxOutputLength: SUMO_MAX_BYTES + 1 });
      else if (encoding === 'deflate') body = inflateSync(raw, { maxOutputLength: SUMO_MAX_BYTES + 1 });
      else if (encoding === 'identity') body = raw;
      else return text(res, 415, `Unsupported Content-Encoding: ${encoding}`);
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return text(res, 413, 'Request Entity Too Large');
      return text(res, 400, `Malformed ${encoding} body`);
    }
    if (body.length > SUMO_MAX_BYTES) return text(res, 413, 'Request Entity Too Large');
    let decoded: string;
    try {
      decoded = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return text(res, 400, 'Request body is not valid UTF-8');
    }
    record.body = decoded;
    const fields = parseFields(h['x-sumo-fields']);
    if (typeof fields === 'string') return text(res, 400, fields);

    const meta = {
      category: header(h['x-sumo-category']),
      name: header(h['x-sumo-name']),
      host: header(h['x-sumo-host']),
      fields,
    };
    const lines = decoded.split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const line of lines) messages.push({ line: line.replace(/\r$/, ''), ...meta });
    res.writeHead(200).end();
    return 200;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_WIRE_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      const record: SumoRequestRecord = {
        method: req.method ?? '',
        // "Any query parameters will be ignored."
        path: (req.url ?? '/').split('?')[0],
        headers: req.headers,
        wireBytes: size,
        body: '',
        status: 0,
      };
      requests.push(record);
      record.status = handle(record, res, size > MAX_WIRE_BYTES ? null : Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    sourceUrl: `${url}/receiver/v1/http/${token}`,
    events: () =>
      messages.flatMap((m) => {
        try {
          const parsed = JSON.parse(m.line) as unknown;
          return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? [parsed as Record<string, unknown>] : [];
        } catch {
          return []; // a plain-text line: in messages() only
        }
      }),
    messages: () => [...messages],
    requests: () => [...requests],
    requestCount: () => dataRequests,
    failNext(kind, times = 1) {
      for (let i = 0; i < times; i++) faults.push(FAULTS[kind]);
    },
    failNextWith(status, times = 1, body = `injected ${status}`, headers) {
      for (let i = 0; i < times; i++) faults.push({ status, text: body, headers });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `k=v,k2=v2` → object, or the reason it is malformed. */
function parseFields(value: string | string[] | undefined): Record<string, string> | string {
  const raw = header(value);
  if (raw === undefined) return {};
  const fields: Record<string, string> = {};
  for (const entry of raw.split(',')) {
    const eq = entry.indexOf('=');
    const key = entry.slice(0, eq).trim();
    if (eq <= 0 || !key) return `Invalid X-Sumo-Fields entry "${entry}": expected key=value`;
    fields[key] = entry.slice(eq + 1).trim();
  }
  return fields;
}
