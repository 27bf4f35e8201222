/**
 * A strict Splunk HEC imitation on 127.0.0.1 (protocols.md §1.11): the collector paths with Splunk's 404/405
 * bodies, `Authorization: Splunk <token>` (codes 1–4, 16), gzip or nothing (else 415), concatenated-object
 * bodies validated per envelope with `invalid-event-number` (the prefix is indexed), indexer acknowledgement
 * with per-channel ack ids, and fault injection.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { MockReceiver } from '../compliance/types.ts';
import { checkEnvelope, INVALID_DATA_FORMAT, splitEnvelopeStream, type HecRejection } from './envelope-stream.ts';

export interface SplunkHecMockOptions {
  /** The valid HEC token (default: a random GUID). */
  token?: string;
  /** The token exists but is disabled (403 code 1). */
  tokenDisabled?: boolean;
  /** The token has indexer acknowledgement (useACK): a GUID channel is required and successes carry `ackId`. */
  ack?: boolean;
  /**
   * Data answers carry `ackId` but /ack answers 400 code 14, as when useACK is switched off between a send and
   * its poll. Implies `ack`.
   */
  ackQueryDisabled?: boolean;
  /** Indexes the token may write to; unset = any. */
  allowedIndexes?: string[];
  /** `max_content_length` on the wire body (default 1 000 000, Splunk Cloud's documented limit). */
  maxContentLength?: number;
}

/** One canned answer for the next data request(s). */
export interface HecFault {
  status: number;
  code?: number;
  text?: string;
  /** Retry-After header value, in seconds. */
  retryAfter?: number;
  invalidEventNumber?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Decoded (gunzipped) body text. */
  body: string;
  status: number;
  code?: number;
}

export interface SplunkHecMock extends MockReceiver {
  readonly token: string;
  /** Accepted envelopes as parsed (metadata + `event`). */
  envelopes(): Record<string, unknown>[];
  /** Every request to a collector path, data or not. */
  requests(): RecordedRequest[];
  inject(fault: HecFault, times?: number): void;
  /** Delay every data-request answer (slow receiver). */
  setDelay(ms: number): void;
  /** While held, ack polls report `false` for every id (indexing "in progress"). */
  holdAcks(hold: boolean): void;
  /** Number of POSTs to /services/collector/ack. */
  ackPolls(): number;
}

const NOT_FOUND_BODY = { text: 'The requested URL was not found on this server.', code: 404 };
const EVENT_PATHS = new Set(['/services/collector', '/services/collector/event', '/services/collector/event/1.0']);
const RAW_PATHS = new Set(['/services/collector/raw', '/services/collector/raw/1.0']);
const HEALTH_PATHS = new Set(['/services/collector/health', '/services/collector/health/1.0']);
const ACK_PATH = '/services/collector/ack';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FAULTS: Record<'retry' | 'auth' | 'permanent' | 'too-large', HecFault> = {
  retry: { status: 503, code: 9, text: 'Server is busy', retryAfter: 1 },
  auth: { status: 403, code: 4, text: 'Invalid token' },
  permanent: { status: 400, code: 6, text: 'Invalid data format' },
  'too-large': { status: 413, code: 413, text: 'Content-Length of request is too large' },
};

class HecError extends Error {
  constructor(readonly rejection: HecRejection, readonly invalidEventNumber?: number) {
    super(rejection.text);
  }
}

export async function startSplunkHecMock(opts: SplunkHecMockOptions = {}): Promise<SplunkHecMock> {
  const token = opts.token ?? randomUUID();
  const maxContentLength = opts.maxContentLength ?? 1_000_000;
  const ackMode = opts.ack === true || opts.ackQueryDisabled === true;
  const accepted: Record<string, unknown>[] = [];
  const decodedEvents: Record<string, unknown>[] = [];
  const log: RecordedRequest[] = [];
  const faults: HecFault[] = [];
  /** Per channel: the next ack id and the ids indexed but not yet reported `true`. */
  const channels = new Map<string, { nextId: number; unreported: Set<number> }>();
  let dataRequests = 0;
  let ackPolls = 0;
  let delayMs = 0;
  let acksHeld = false;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ text: `mock failure: ${String(err)}`, code: 8 }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readAll(req);
    const url = new URL(req.url ?? '/', 'http://mock');
    const record: RecordedRequest = { method: req.method ?? '', path: url.pathname, headers: req.headers, body: '', status: 0 };
    log.push(record);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      record.code = (body as { code?: number } | undefined)?.code;
      res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (e: HecError) =>
      reply(e.rejection.status, {
        text: e.rejection.text,
        code: e.rejection.code,
        ...(e.invalidEventNumber !== undefined ? { 'invalid-event-number': e.invalidEventNumber } : {}),
      });

    const path = url.pathname;
    const isData = EVENT_PATHS.has(path) || RAW_PATHS.has(path);
    if (!isData && !HEALTH_PATHS.has(path) && path !== ACK_PATH) return reply(404, NOT_FOUND_BODY);
    if (HEALTH_PATHS.has(path)) {
      // Real HEC ignores the token here (protocols.md §1.10).
      return req.method === 'GET' ? reply(200, { text: 'HEC is healthy', code: 17 }) : reply(405, NOT_FOUND_BODY);
    }
    if (req.method !== 'POST') return reply(405, NOT_FOUND_BODY);

    if (isData) {
      dataRequests++;
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const fault = faults.shift();
      if (fault) {
        const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
        return reply(
          fault.status,
          {
            text: fault.text ?? '',
            code: fault.code ?? fault.status,
            ...(fault.invalidEventNumber !== undefined ? { 'invalid-event-number': fault.invalidEventNumber } : {}),
          },
          headers,
        );
      }
    }

    try {
      checkAuth(req.headers.authorization, url);
      if (raw.length > maxContentLength) return reply(413, { text: 'Content-Length of request is too large', code: 413 });
      const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
      if (encoding !== '' && encoding !== 'gzip') {
        // Splunk answers unsupported encodings with an HTML page, not JSON.
        record.status = 415;
        res.writeHead(415, { 'Content-Type': 'text/html' });
        res.end('<html><body><h1>415 Unsupported Media Type</h1></body></html>');
        return;
      }
      record.body = decode(raw, encoding);
      const channel = channelOf(req, url);
      if (path === ACK_PATH) return reply(200, answerAckPoll(channel, record.body));
      if (ackMode && channel === undefined) throw new HecError({ status: 400, code: 10, text: 'Data channel is missing' });
      if (record.body.trim() === '') throw new HecError({ status: 400, code: 5, text: 'No data' });
      if (RAW_PATHS.has(path)) ingestRaw(record.body);
      else ingestEvents(record.body);
      return reply(200, { text: 'Success', code: 0, ...(ackMode ? { ackId: issueAckId(channel!) } : {}) });
    } catch (err) {
      if (err instanceof HecError) return fail(err);
      throw err;
    }
  }

  function checkAuth(header: string | undefined, url: URL): void {
    if (header === undefined) {
      if (url.searchParams.has('token')) throw new HecError({ status: 400, code: 16, text: 'Query string authorization is not enabled' });
      throw new HecError({ status: 401, code: 2, text: 'Token is required' });
    }
    let presented: string | undefined;
    const splunk = /^Splunk (\S+)$/.exec(header);
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    if (splunk) presented = splunk[1];
    else if (basic) presented = Buffer.from(basic[1], 'base64').toString('utf8').split(':').slice(1).join(':');
    if (!presented) throw new HecError({ status: 401, code: 3, text: 'Invalid authorization' });
    if (presented !== token) throw new HecError({ status: 403, code: 4, text: 'Invalid token' });
    if (opts.tokenDisabled) throw new HecError({ status: 403, code: 1, text: 'Token disabled' });
  }

  function channelOf(req: IncomingMessage, url: URL): string | undefined {
    const header = req.headers['x-splunk-request-channel'];
    const channel = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('channel') ?? undefined;
    if (channel !== undefined && !GUID.test(channel)) throw new HecError({ status: 400, code: 11, text: 'Invalid data channel' });
    return channel;
  }

  /** Indexes envelopes in order; the first bad one stops the request and the ones before it stay indexed. */
  function ingestEvents(body: string): void {
    let index = 0;
    for (const item of splitEnvelopeStream(body)) {
      if (!item.ok) throw new HecError(item.rejection, index);
      const rejection = checkEnvelope(item.value, opts.allowedIndexes);
      if (rejection) throw new HecError(rejection, index);
      accepted.push(item.value);
      decodedEvents.push(decodeEvent(item.value.event));
      index++;
    }
  }

  function ingestRaw(body: string): void {
    for (const line of body.split('\n')) {
      if (line.trim() === '') continue;
      decodedEvents.push(decodeEvent(line));
    }
  }

  function issueAckId(channel: string): number {
    let state = channels.get(channel);
    if (!state) channels.set(channel, (state = { nextId: 0, unreported: new Set() }));
    const id = state.nextId++;
    state.unreported.add(id);
    return id;
  }

  function answerAckPoll(channel: string | undefined, body: string): { acks: Record<string, boolean> } {
    ackPolls++;
    if (!ackMode || opts.ackQueryDisabled) throw new HecError({ status: 400, code: 14, text: 'ACK is disabled' });
    if (channel === undefined) throw new HecError({ status: 400, code: 10, text: 'Data channel is missing' });
    let ids: unknown;
    try {
      ids = (JSON.parse(body) as { acks?: unknown }).acks;
    } catch {
      throw new HecError(INVALID_DATA_FORMAT);
    }
    if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id) && id >= 0)) throw new HecError(INVALID_DATA_FORMAT);
    const state = channels.get(channel);
    const acks: Record<string, boolean> = {};
    for (const id of ids as number[]) {
      // `true` is reported once, then forgotten (a second poll answers false).
      const done = !acksHeld && state !== undefined && state.unreported.delete(id);
      acks[String(id)] = done;
    }
    return { acks };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    events: () => [...decodedEvents],
    envelopes: () => [...accepted],
    requests: () => [...log],
    requestCount: () => dataRequests,
    ackPolls: () => ackPolls,
    failNext(kind, times = 1) {
      for (let i = 0; i < times; i++) faults.push(FAULTS[kind]);
    },
    inject(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    setDelay(ms) {
      delayMs = ms;
    },
    holdAcks(hold) {
      acksHeld = hold;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decode(raw: Buffer, encoding: string): string {
  if (encoding !== 'gzip') return raw.toString('utf8');
  try {
    return gunzipSync(raw).toString('utf8');
  } catch {
    throw new HecError(INVALID_DATA_FORMAT);
  }
}

/** The OCSF event inside an envelope: an object, or a JSON object sent as a string (splunk-logging's batches). */
function decodeEvent(event: unknown): Record<string, unknown> {
  if (typeof event === 'object' && event !== null && !Array.isArray(event)) return event as Record<string, unknown>;
  if (typeof event === 'string') {
    try {
      const parsed: unknown = JSON.parse(event);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // plain text event
    }
  }
  return { _raw: event };
}
