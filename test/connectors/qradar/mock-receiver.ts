/**
 * Strict QRadar receivers (protocols.md §7.1–7.2), on 127.0.0.1:
 * - the HTTP Receiver: HTTPS with a throwaway self-signed certificate, POST bodies split into lines (the log
 *   source's Message Pattern `^LEEF:`), each line parsed as LEEF 2.0 and its `ocsf=` attribute decoded;
 * - TLS syslog and TCP syslog listeners: LF-framed RFC 5424 messages whose MSG is LEEF 2.0.
 * A line that does not parse is recorded in `errors()` (real QRadar would store it as an unparsed event), never
 * as an event. Syslog cannot answer an outcome: its only fault is dropping connections ('retry').
 */
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { ServerResponse } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { startLoopbackServer, type RecordedRequest } from '../shared/loopback-server.ts';
import { selfSignedCert } from '../shared/self-signed-cert.ts';
import type { MockReceiver } from '../compliance/types.ts';
import { parseLeef, parseSyslogLeef, type ParsedLeef, type ParsedSyslog } from './leef-parser.ts';

type FaultKind = 'retry' | 'auth' | 'permanent' | 'too-large';

/** Per-event payload limit the mocks enforce (QRadar truncates beyond its configured maximum). */
const MAX_LINE_BYTES = 32_000;
const MAX_POST_BYTES = 5 * 1024 * 1024;

let cert: { key: Buffer; cert: Buffer } | undefined;
/** One certificate per test process: generation costs an openssl run. */
export function mockCertificate(): { key: Buffer; cert: Buffer } {
  cert ??= selfSignedCert('qradar.test');
  return cert;
}

export interface QradarMockReceiver extends MockReceiver {
  /** Lines that did not parse, with the reason. */
  errors(): string[];
}

export interface HttpReceiverMock extends QradarMockReceiver {
  port: number;
  requests(): RecordedRequest[];
  leef(): ParsedLeef[];
}

export async function startHttpReceiverMock(): Promise<HttpReceiverMock> {
  const parsed: ParsedLeef[] = [];
  const errors: string[] = [];
  const faults: FaultKind[] = [];
  const dataRequests: RecordedRequest[] = [];

  const server = await startLoopbackServer(
    (req, res) => {
      if (req.method !== 'POST') return reply(res, 405, 'Method Not Allowed');
      dataRequests.push(req);
      const fault = faults.shift();
      if (fault === 'retry') return reply(res, 503, 'Service Unavailable', { 'Retry-After': '1' });
      if (fault === 'permanent') return reply(res, 400, 'Bad Request');
      if (fault === 'too-large') return reply(res, 413, 'Payload Too Large');
      if (req.headers['content-encoding']) return reply(res, 415, 'Unsupported Media Type');
      if (req.body.length > MAX_POST_BYTES) return reply(res, 413, 'Payload Too Large');
      const text = req.body.toString('utf8');
      if (!text.endsWith('\n')) return reply(res, 400, 'every event line must end with a newline');
      const lines = text.slice(0, -1).split('\n');
      const batch: ParsedLeef[] = [];
      for (const line of lines) {
        if (Buffer.byteLength(line) > MAX_LINE_BYTES) return reply(res, 413, 'Event exceeds the maximum payload length');
        try {
          batch.push(parseLeef(line));
        } catch (err) {
          errors.push((err as Error).message);
          return reply(res, 400, `unparseable LEEF: ${(err as Error).message}`);
        }
      }
      parsed.push(...batch);
      reply(res, 200, '');
    },
    { tls: mockCertificate() },
  );

  return {
    url: `https://127.0.0.1:${server.port}`,
    port: server.port,
    events: () => parsed.map((p) => p.event),
    leef: () => [...parsed],
    errors: () => [...errors],
    requests: () => [...dataRequests],
    requestCount: () => dataRequests.length,
    failNext(kind, times = 1) {
      if (kind === 'auth') throw new Error('the HTTP Receiver has no credentials to refuse');
      for (let i = 0; i < times; i++) faults.push(kind);
    },
    close: () => server.close(),
  };
}

export interface SyslogMock extends QradarMockReceiver {
  host: string;
  port: number;
  messages(): ParsedSyslog[];
  /** Raw lines as received (without the LF). */
  lines(): string[];
  /** TCP connections accepted so far (refused ones included). */
  connectionCount(): number;
}

export async function startSyslogMock(opts: { tls: boolean }): Promise<SyslogMock> {
  const messages: ParsedSyslog[] = [];
  const lines: string[] = [];
  const errors: string[] = [];
  const open = new Set<Socket>();
  let refuseNext = 0;
  let connections = 0;

  const onLine = (line: string) => {
    lines.push(line);
    try {
      if (Buffer.byteLength(line) > MAX_LINE_BYTES) throw new Error('message exceeds the maximum payload length');
      messages.push(parseSyslogLeef(line));
    } catch (err) {
      errors.push((err as Error).message);
    }
  };
  const serve = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
    const decoder = new StringDecoder('utf8');
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += decoder.write(chunk);
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        onLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
  };

  const server: Server = opts.tls ? createTlsServer(mockCertificate(), serve) : createTcpServer(serve);
  // Raw TCP accept, before any TLS handshake: where a refused connection is reset.
  server.on('connection', (raw: Socket) => {
    connections++;
    if (refuseNext > 0) {
      refuseNext--;
      raw.on('error', () => {});
      raw.resetAndDestroy();
    }
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    events: () => messages.map((m) => m.leef.event),
    messages: () => [...messages],
    lines: () => [...lines],
    errors: () => [...errors],
    requestCount: () => lines.length,
    connectionCount: () => connections,
    failNext(kind, times = 1) {
      if (kind !== 'retry') throw new Error(`syslog has no way to answer '${kind}'`);
      // Drop what is open now and refuse the next connection attempts: all a syslog listener can do.
      for (const s of open) {
        if (opts.tls) s.destroy();
        else s.resetAndDestroy();
      }
      refuseNext += times;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
  res.end(body);
}
