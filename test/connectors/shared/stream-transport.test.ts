import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createEgressGuard, type Resolver } from '../../../src/security/egress-guard.ts';
import { createStreamTransport } from '../../../src/connectors/shared/stream-transport.ts';
import { TransportError } from '../../../src/connectors/shared/types.ts';
import { selfSignedCert } from './self-signed-cert.ts';

const toLoopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

interface LineServer {
  port: number;
  lines: string[];
  connections(): number;
  servernames: (string | false | null | undefined)[];
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A syslog-like receiver: counts raw TCP connections and collects newline-framed lines. */
async function lineServer(tls?: { key: Buffer; cert: Buffer }): Promise<LineServer> {
  const lines: string[] = [];
  const servernames: LineServer['servernames'] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const onStream = (s: Socket) => {
    servernames.push((s as TLSSocket).servername);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      lines.push(...parts);
    });
    s.on('error', () => {});
  };
  const server: Server = tls ? createTlsServer(tls, onStream) : createTcpServer(onStream);
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('error', () => {});
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as AddressInfo).port, lines, connections: () => connections, servernames };
}

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

function track(socket: Socket): Socket {
  cleanups.push(() => void socket.destroy());
  return socket;
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('stream transport', () => {
  it('opens plain TCP to the pinned address when the target is allowed', async () => {
    const srv = await lineServer();
    const stream = createStreamTransport({ egress: createEgressGuard({ allow: ['127.0.0.1'], resolver: toLoopback }) });
    const socket = track(await stream.connect({ host: 'qradar.test', port: srv.port, tls: false }));
    socket.write('<13>1 hello\n');
    await waitFor(() => srv.lines.length === 1);
    expect(srv.lines).toEqual(['<13>1 hello']);
  });

  it('refuses plain TCP and blocked targets without connecting', async () => {
    const srv = await lineServer();
    const publicName = createStreamTransport({
      egress: createEgressGuard({ resolver: async () => [{ address: '93.184.216.34', family: 4 }] }),
    });
    const plain = await rejection(publicName.connect({ host: 'qradar.example', port: 514, tls: false }));
    expect(plain.code).toBe('egress_refused');
    expect(plain.message).toBe('refused egress to 93.184.216.34 port 514 (plain http/tcp without TLS) for host qradar.example; set SIEM_EGRESS_ALLOW to allow it');

    const noAllow = createStreamTransport({ egress: createEgressGuard({ resolver: toLoopback }) });
    for (const tls of [false, true]) {
      const err = await rejection(noAllow.connect({ host: 'qradar.test', port: srv.port, tls }));
      expect(err.code).toBe('egress_refused');
      expect(err.message).toBe('refused egress to 127.0.0.1 (loopback, RFC 1122) for host qradar.test; set SIEM_EGRESS_ALLOW to allow it');
    }
    expect(srv.connections()).toBe(0);
  });

  it('rejects an invalid port', async () => {
    const stream = createStreamTransport({ egress: createEgressGuard({ allow: ['127.0.0.1'] }) });
    expect((await rejection(stream.connect({ host: '127.0.0.1', port: 70000, tls: false }))).code).toBe('invalid_url');
  });

  it('maps a refused connection to network', async () => {
    const srv = await lineServer();
    const port = srv.port;
    await cleanups.pop()?.();
    const stream = createStreamTransport({ egress: createEgressGuard({ allow: ['127.0.0.1'] }) });
    const err = await rejection(stream.connect({ host: '127.0.0.1', port, tls: false }));
    expect(err.code).toBe('network');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('verifies TLS by default and skips it when verifySsl is false, with SNI = hostname', async () => {
    const srv = await lineServer(selfSignedCert('qradar.test'));
    const stream = createStreamTransport({ egress: createEgressGuard({ allow: ['127.0.0.1'], resolver: toLoopback }) });
    const err = await rejection(stream.connect({ host: 'qradar.test', port: srv.port, tls: true }));
    expect(err.code).toBe('tls');

    const socket = track(await stream.connect({ host: 'qradar.test', port: srv.port, tls: true, verifySsl: false }));
    socket.write('<14>secure line\n');
    await waitFor(() => srv.lines.length === 1);
    expect(srv.lines).toEqual(['<14>secure line']);
    expect(srv.servernames.at(-1)).toBe('qradar.test');
  });

  it('bounds name resolution by the timeout', async () => {
    const stream = createStreamTransport({ egress: createEgressGuard({ resolver: () => new Promise(() => {}) }) });
    expect((await rejection(stream.connect({ host: 'slow.test', port: 6514, tls: true, timeoutMs: 80 }))).code).toBe('timeout');
  });

  it('times out a TLS handshake that never completes', async () => {
    // A plain TCP server that accepts and stays silent: the TLS client waits for a ServerHello forever.
    const srv = await lineServer();
    const stream = createStreamTransport({ egress: createEgressGuard({ allow: ['127.0.0.1'] }) });
    const started = Date.now();
    const err = await rejection(stream.connect({ host: '127.0.0.1', port: srv.port, tls: true, timeoutMs: 150 }));
    expect(err.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
