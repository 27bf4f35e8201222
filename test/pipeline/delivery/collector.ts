/**
 * A loopback collector for delivery tests, receiving the generic HTTP connector's requests (JSON array or NDJSON,
 * gzip when asked). Strict about what it accepts (Content-Type, JSON shape, every event carrying metadata.uid);
 * programmable about how it answers: a `respond` hook per request (status, headers, delay, or hang), a bearer
 * token it requires, and an outage mode in which every TCP connection is reset before any HTTP is read.
 * Records arrival times and uids (duplicates kept) so tests can count loss and duplicates exactly.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface CollectorAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer after this many ms. */
  delayMs?: number;
  /** Never answer (the client's timeout decides). */
  hang?: boolean;
}

export interface ReceivedRequest {
  /** When the request was complete (ms). */
  at: number;
  uids: string[];
  /** Status answered (0 while hanging). */
  status: number;
  authorization?: string;
}

export interface Collector {
  readonly url: string;
  /** Every accepted event's metadata.uid in arrival order (re-deliveries appear again). */
  uids(): string[];
  /** Accepted events, parsed. */
  events(): Record<string, unknown>[];
  /** Every request that reached HTTP, accepted or not. */
  requests(): ReceivedRequest[];
  /** Times (ms) of connections reset while in outage mode. */
  refusedConnections(): number[];
  /** Decides the answer per request; undefined = the default (200, or 401 on a wrong bearer). */
  respond: ((req: ReceivedRequest) => CollectorAnswer | undefined) | undefined;
  /** Require `Authorization: Bearer <token>` (403 otherwise, like an API that knows the key but refuses it). */
  requireBearer: string | undefined;
  /** Reset every new connection (and drop idle keep-alive ones) until `outage(false)`. */
  outage(on: boolean): void;
  /** Resolves once at least `n` distinct uids arrived (rejects after `timeoutMs`). */
  waitForUnique(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCollector(opts: { format?: 'json_array' | 'ndjson' } = {}): Promise<Collector> {
  const format = opts.format ?? 'json_array';
  const accepted: Record<string, unknown>[] = [];
  const uids: string[] = [];
  const unique = new Set<string>();
  const requests: ReceivedRequest[] = [];
  const refused: number[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const waiters: { n: number; resolve: () => void }[] = [];
  let inOutage = false;

  const collector: Collector = {
    url: '',
    uids: () => [...uids],
    events: () => [...accepted],
    requests: () => [...requests],
    refusedConnections: () => [...refused],
    respond: undefined,
    requireBearer: undefined,
    outage(on) {
      inOutage = on;
      if (on) for (const s of sockets) s.destroy();
    },
    waitForUnique(n, timeoutMs = 20_000) {
      if (unique.size >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${unique.size} of ${n} distinct events arrived within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record: ReceivedRequest = { at: Date.now(), uids: [], status: 0, authorization: req.headers.authorization };
      requests.push(record);
      const parsed = parseBody(req, Buffer.concat(chunks), format);
      if (typeof parsed === 'string') return answer(res, record, { status: 400, body: JSON.stringify({ error: parsed }) });
      record.uids = parsed.map((e) => (e.metadata as { uid: string }).uid);
      const custom = collector.respond?.(record);
      const verdict: CollectorAnswer =
        custom ??
        (collector.requireBearer !== undefined && req.headers.authorization !== `Bearer ${collector.requireBearer}`
          ? { status: 403, body: '{"error":"forbidden: API key not allowed"}' }
          : { status: 200, body: '{"ok":true}' });
      if (verdict.hang) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      const send = () => {
        if (verdict.status >= 200 && verdict.status < 300) accept(parsed);
        answer(res, record, verdict);
      };
      if (verdict.delayMs) setTimeout(send, verdict.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => {
    if (inOutage) {
      refused.push(Date.now());
      s.resetAndDestroy();
      return;
    }
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function accept(events: Record<string, unknown>[]): void {
    for (const e of events) {
      const uid = (e.metadata as { uid: string }).uid;
      accepted.push(e);
      uids.push(uid);
      unique.add(uid);
    }
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (unique.size >= waiters[i].n) waiters.splice(i, 1)[0].resolve();
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (collector as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`;
  return collector;
}

function answer(res: ServerResponse, record: ReceivedRequest, a: CollectorAnswer): void {
  record.status = a.status;
  if (res.destroyed) return;
  res.writeHead(a.status, { 'Content-Type': 'application/json', ...a.headers });
  res.end(a.body ?? '');
}

function parseBody(req: IncomingMessage, raw: Buffer, format: 'json_array' | 'ndjson'): Record<string, unknown>[] | string {
  if (req.url !== '/ingest' || req.method !== 'POST') return `unexpected ${req.method} ${req.url}`;
  const expected = format === 'ndjson' ? 'application/x-ndjson' : 'application/json';
  if (req.headers['content-type'] !== expected) return `expected Content-Type ${expected}`;
  let body = raw;
  if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(raw);
  else if (req.headers['content-encoding'] !== undefined) return 'unsupported Content-Encoding';
  const text = body.toString('utf8');
  let events: unknown[];
  try {
    events = format === 'ndjson' ? text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l)) : JSON.parse(text);
  } catch {
    return 'invalid JSON';
  }
  if (!Array.isArray(events) || events.length === 0) return 'expected a non-empty list of events';
  for (const e of events) {
    const uid = (e as { metadata?: { uid?: unknown } })?.metadata?.uid;
    if (typeof uid !== 'string') return 'every event needs metadata.uid';
  }
  return events as Record<string, unknown>[];
}
