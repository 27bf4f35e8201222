/** A loopback HTTP(S) server for transport tests that counts TCP connections and records requests. */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** SNI the client sent (TLS only). */
  servername?: string | false | null;
}

export interface LoopbackServer {
  port: number;
  connections(): number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startLoopbackServer(
  handler: (req: RecordedRequest, res: ServerResponse) => void,
  opts: { host?: string; port?: number; tls?: { key: Buffer; cert: Buffer } } = {},
): Promise<LoopbackServer> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const requests: RecordedRequest[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        servername: (req.socket as TLSSocket).servername,
      };
      requests.push(recorded);
      handler(recorded, res);
    });
  };
  const server = opts.tls ? createHttpsServer(opts.tls, onRequest) : createHttpServer(onRequest);
  // Count raw TCP connections (before any TLS handshake) so refused targets provably saw nothing.
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
