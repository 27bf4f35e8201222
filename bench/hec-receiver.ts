/**
 * A minimal, fast Splunk HEC receiver for the benchmark, run as its own child process (forked with IPC) so its
 * CPU is not mixed with the orchestrator's load generator.
 *
 * `POST /<destination>/services/collector/event` with `Authorization: Splunk bench-token`, optionally gzip. The
 * body (concatenated envelopes) is never parsed as JSON: the receiver scans the bytes for the events' uid marker
 * (`"uid":"bench-<tag>-`, see bench-events.ts), reads the decimal seq after it, and records the first receipt
 * time per seq in a Float64Array per destination. That counts unique events, redeliveries, and gives
 * publish → receipt latency without a per-event map.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzip } from 'node:zlib';
import type { DestinationProgress, LatencySummary, ReceiverCommand, ReceiverReply } from './receiver-protocol.ts';
import { distribution } from './stats.ts';

const AUTH = 'Splunk bench-token';
const SUCCESS = '{"text":"Success","code":0}';
const BUSY = '{"text":"Server is busy","code":9}';
const QUOTE = 0x22;

interface Destination extends DestinationProgress {
  receivedAt: Float64Array;
}

let marker = Buffer.alloc(0);
let destinations = new Map<string, Destination>();
let mode: 'up' | 'down' = 'up';
let retryAfterSec = 1;
let requests = 0;
let refused = 0;
let foreign = 0;
let bytes = 0;

function send(msg: ReceiverReply): void {
  process.send!(msg);
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Records every marked seq in `body` for `dest`. */
function scan(body: Buffer, dest: Destination, now: number): void {
  const total = dest.receivedAt.length;
  let at = body.indexOf(marker);
  while (at >= 0) {
    let i = at + marker.length;
    let seq = 0;
    let digits = 0;
    for (let c = body[i]!; c >= 0x30 && c <= 0x39; c = body[++i]!) {
      seq = seq * 10 + (c - 0x30);
      digits++;
    }
    if (digits === 0 || body[i] !== QUOTE || seq >= total) foreign++;
    else if (dest.receivedAt[seq] === 0) {
      dest.receivedAt[seq] = now;
      dest.unique++;
      dest.lastAt = now;
      if (dest.firstAt === 0) dest.firstAt = now;
    } else dest.duplicates++;
    at = body.indexOf(marker, i);
  }
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url.endsWith('/services/collector/health')) return reply(res, 200, '{"text":"HEC is healthy","code":17}');
  const slash = url.indexOf('/', 1);
  const dest = slash > 0 && url.endsWith('/services/collector/event') ? destinations.get(url.slice(1, slash)) : undefined;
  if (req.method !== 'POST' || !dest) {
    req.resume();
    return reply(res, 404, '{"text":"The requested URL was not found on this server.","code":404}');
  }
  if (req.headers.authorization !== AUTH) {
    req.resume();
    return reply(res, 401, '{"text":"Invalid authorization","code":3}');
  }
  requests++;
  if (mode === 'down') {
    refused++;
    req.resume();
    req.on('end', () => reply(res, 503, BUSY, { 'Retry-After': String(retryAfterSec) }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    bytes += raw.length;
    const done = (body: Buffer) => {
      scan(body, dest, Date.now());
      reply(res, 200, SUCCESS);
    };
    if (req.headers['content-encoding'] === 'gzip') {
      gunzip(raw, (err, body) => {
        if (err) {
          foreign++;
          return reply(res, 400, '{"text":"Invalid data format","code":6}');
        }
        done(body);
      });
    } else if (req.headers['content-encoding'] && req.headers['content-encoding'] !== 'identity') {
      reply(res, 415, '{"text":"Unsupported content encoding","code":6}');
    } else done(raw);
  });
}

function latency(cmd: Extract<ReceiverCommand, { type: 'latency' }>): LatencySummary[] {
  return [...destinations.values()].map((d) => {
    const from = cmd.fromSeq ?? 0;
    const to = Math.min(cmd.toSeq ?? d.receivedAt.length, d.receivedAt.length);
    const values = new Float64Array(Math.max(0, to - from));
    let n = 0;
    for (let seq = from; seq < to; seq++) {
      const at = d.receivedAt[seq]!;
      const sent = cmd.sentAt[Math.floor(seq / cmd.perRequest)];
      if (at > 0 && sent !== undefined && sent > 0) values[n++] = at - sent;
    }
    return { name: d.name, ...distribution(values.subarray(0, n)) };
  });
}

function onCommand(cmd: ReceiverCommand): void {
  switch (cmd.type) {
    case 'reset':
      marker = Buffer.from(cmd.marker, 'utf8');
      destinations = new Map(
        cmd.destinations.map((name) => [name, { name, unique: 0, duplicates: 0, firstAt: 0, lastAt: 0, receivedAt: new Float64Array(cmd.total) }]),
      );
      requests = refused = foreign = bytes = 0;
      return send({ type: 'ack' });
    case 'mode':
      mode = cmd.mode;
      retryAfterSec = cmd.retryAfterSec ?? 1;
      return send({ type: 'ack' });
    case 'progress':
      return send({
        type: 'progress',
        destinations: [...destinations.values()].map(({ name, unique, duplicates, firstAt, lastAt }) => ({ name, unique, duplicates, firstAt, lastAt })),
        requests,
        refused,
        foreign,
        bytes,
      });
    case 'latency':
      return send({ type: 'latency', destinations: latency(cmd) });
  }
}

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, handle);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (m) => onCommand(m as ReceiverCommand));
// The orchestrator owns this process: when it goes away, so do we.
process.on('disconnect', () => process.exit(0));
