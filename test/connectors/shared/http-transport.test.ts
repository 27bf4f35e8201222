import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEgressGuard, type Resolver } from '../../../src/security/egress-guard.ts';
import { createHttpTransport } from '../../../src/connectors/shared/http-transport.ts';
import { TransportError, type HttpTransport } from '../../../src/connectors/shared/types.ts';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.ts';
import { selfSignedCert } from './self-signed-cert.ts';

const toLoopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

async function transportError(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a TransportError').toBeInstanceOf(TransportError);
  return err as TransportError;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

function transport(allow: string[] | undefined, resolver?: Resolver): HttpTransport {
  const t = createHttpTransport({ egress: createEgressGuard({ allow, resolver }) });
  cleanups.push(() => t.close());
  return t;
}

async function server(...args: Parameters<typeof startLoopbackServer>): Promise<LoopbackServer> {
  const s = await startLoopbackServer(...args);
  cleanups.push(() => s.close());
  return s;
}

const ok = (_req: unknown, res: import('node:http').ServerResponse) => res.end('ok');

describe('http transport: egress pinning', () => {
  it('connects to the address the guard pinned while Host keeps the configured name', async () => {
    const srv = await server((req, res) => res.end(JSON.stringify({ host: req.headers.host, body: req.body.toString() })));
    const http = transport(['127.0.0.1'], toLoopback);
    const res = await http.request({
      method: 'POST',
      url: `http://siem.test:${srv.port}/services/collector?channel=1`,
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text())).toEqual({ host: `siem.test:${srv.port}`, body: '{"a":1}' });
    expect(srv.requests[0].url).toBe('/services/collector?channel=1');
    expect(srv.requests[0].method).toBe('POST');
  });

  it('never connects to a refused target', async () => {
    const srv = await server(ok);
    const http = transport(undefined);
    for (const url of [`http://127.0.0.1:${srv.port}/`, `https://127.0.0.1:${srv.port}/`, `http://[::ffff:127.0.0.1]:${srv.port}/`]) {
      const err = await transportError(http.request({ method: 'GET', url }));
      expect(err.code).toBe('egress_refused');
    }
    expect(srv.connections()).toBe(0);
  });

  it('refuses plain http to an allowed-by-range but non-plaintext-allowed public name', async () => {
    const http = transport(undefined, async () => [{ address: '93.184.216.34', family: 4 }]);
    const err = await transportError(http.request({ method: 'GET', url: 'http://siem.example/' }));
    expect(err.code).toBe('egress_refused');
    expect(err.message).toContain('plain http/tcp');
  });

  it('refuses a name that rebinds to a blocked address at send time, after an allowed first answer', async () => {
    // 127.0.0.2 plays the allowed "public" address; 127.0.0.1 is the internal target the rebinding aims at.
    const legit = await server(ok, { host: '127.0.0.2' });
    const internal = await server(ok, { host: '127.0.0.1', port: legit.port });
    let answer = '127.0.0.2';
    const http = transport(['127.0.0.2'], async () => [{ address: answer, family: 4 }]);
    const url = `http://rebind.test:${legit.port}/`;

    expect((await http.request({ method: 'GET', url })).status).toBe(200);
    answer = '127.0.0.1';
    const err = await transportError(http.request({ method: 'GET', url }));
    expect(err.code).toBe('egress_refused');
    expect(err.message).toBe('refused egress to 127.0.0.1 (loopback, RFC 1122) for host rebind.test; set SIEM_EGRESS_ALLOW to allow it');
    expect(legit.requests).toHaveLength(1);
    expect(internal.connections()).toBe(0);
  });
});

describe('http transport: HTTP behaviour', () => {
  it('returns a 3xx as is and does not follow it', async () => {
    const srv = await server((req, res) => {
      if (req.url === '/start') {
        res.writeHead(302, { location: '/elsewhere' }).end('moved');
      } else res.end('followed');
    });
    const res = await transport(['127.0.0.1'], toLoopback).request({ method: 'POST', url: `http://siem.test:${srv.port}/start`, body: 'x' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/elsewhere');
    expect(res.text()).toBe('moved');
    expect(srv.requests.map((r) => r.url)).toEqual(['/start']);
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const srv = await server(ok);
    const http = transport(['127.0.0.1'], toLoopback);
    for (let i = 0; i < 3; i++) {
      expect((await http.request({ method: 'POST', url: `http://siem.test:${srv.port}/`, body: `n${i}` })).text()).toBe('ok');
      // undici marks the socket free on the next tick; real senders always pass through I/O between batches.
      await new Promise((r) => setImmediate(r));
    }
    expect(srv.requests.map((r) => r.body.toString())).toEqual(['n0', 'n1', 'n2']);
    expect(srv.connections()).toBe(1);
  });

  it('exposes status, statusText, headers and the full body', async () => {
    const big = Buffer.alloc(300_000, 'z');
    const srv = await server((_req, res) => {
      res.writeHead(503, 'Busy Now', { 'retry-after': '7', 'content-type': 'text/plain' });
      res.end(big);
    });
    const res = await transport(['127.0.0.1'], toLoopback).request({ method: 'GET', url: `http://siem.test:${srv.port}/` });
    expect(res.status).toBe(503);
    expect(res.statusText).toBe('Busy Now');
    expect(res.headers['retry-after']).toBe('7');
    expect(res.body.equals(big)).toBe(true);
  });

  it('times out when the server never answers', async () => {
    const srv = await server(() => {
      /* never responds */
    });
    const started = Date.now();
    const err = await transportError(
      transport(['127.0.0.1'], toLoopback).request({ method: 'GET', url: `http://siem.test:${srv.port}/`, timeoutMs: 250 }),
    );
    const elapsed = Date.now() - started;
    expect(err.code).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(600);
  });

  it('bounds the whole exchange: a body that trickles forever times out', async () => {
    const srv = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const tick = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(tick));
    });
    const started = Date.now();
    const err = await transportError(
      transport(['127.0.0.1'], toLoopback).request({ method: 'GET', url: `http://siem.test:${srv.port}/`, timeoutMs: 300 }),
    );
    expect(err.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('times out a DNS lookup that never answers', async () => {
    const err = await transportError(
      transport(undefined, () => new Promise(() => {})).request({ method: 'GET', url: 'https://slow-dns.test/', timeoutMs: 100 }),
    );
    expect(err.code).toBe('timeout');
  });

  it('maps a refused connection to network without leaking the URL path', async () => {
    const srv = await server(ok);
    const port = srv.port;
    await srv.close();
    const err = await transportError(
      transport(['127.0.0.1'], toLoopback).request({ method: 'POST', url: `http://siem.test:${port}/receiver/v1/http/SECRETTOKEN`, body: 'x' }),
    );
    expect(err.code).toBe('network');
    expect(err.message).toContain(`http://siem.test:${port}`);
    expect(err.message).not.toContain('SECRETTOKEN');
  });

  it.each([
    ['not a url', 'invalid URL'],
    ['ftp://siem.test/x', 'unsupported URL scheme ftp:'],
    ['file:///etc/passwd', 'unsupported URL scheme file:'],
    ['https://user:hunter2@siem.test/', 'credentials in the URL are not supported'],
  ])('rejects %s as invalid_url', async (url, message) => {
    const err = await transportError(transport(undefined).request({ method: 'GET', url }));
    expect(err.code).toBe('invalid_url');
    expect(err.message).toContain(message);
    expect(err.message).not.toContain('hunter2');
  });

  it('reaches an allowed IPv6 literal target', async () => {
    const srv = await server((req, res) => res.end(req.headers.host), { host: '::1' });
    const res = await transport(['::1']).request({ method: 'GET', url: `http://[::1]:${srv.port}/` });
    expect(res.text()).toBe(`[::1]:${srv.port}`);
  });

  it('honours an abort signal', async () => {
    const srv = await server(() => {});
    const controller = new AbortController();
    const pending = transport(['127.0.0.1'], toLoopback).request({
      method: 'GET',
      url: `http://siem.test:${srv.port}/`,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    const err = await transportError(pending);
    expect(err.code).toBe('network');
    expect(err.message).toContain('aborted');
  });

  it('refuses requests after close()', async () => {
    const http = createHttpTransport({ egress: createEgressGuard({ allow: ['127.0.0.1'] }) });
    await http.close();
    expect((await transportError(http.request({ method: 'GET', url: 'http://127.0.0.1:1/' }))).code).toBe('network');
  });
});

describe('http transport: TLS', () => {
  let tlsServer: LoopbackServer;
  beforeAll(async () => {
    tlsServer = await startLoopbackServer((_req, res) => res.end('secure'), { tls: selfSignedCert('siem.test') });
  });
  afterAll(() => tlsServer.close());

  it('verifies certificates by default (self-signed → tls error)', async () => {
    const err = await transportError(
      transport(['127.0.0.1'], toLoopback).request({ method: 'GET', url: `https://siem.test:${tlsServer.port}/` }),
    );
    expect(err.code).toBe('tls');
    expect(err.message).toMatch(/self[- ]signed/i);
  });

  it('skips verification when verifySsl is false and sends SNI = the configured hostname', async () => {
    const before = tlsServer.requests.length;
    const http = transport(['127.0.0.1'], toLoopback);
    const res = await http.request({ method: 'GET', url: `https://siem.test:${tlsServer.port}/`, verifySsl: false });
    expect(res.text()).toBe('secure');
    expect(tlsServer.requests[before].servername).toBe('siem.test');
    expect(tlsServer.requests[before].headers.host).toBe(`siem.test:${tlsServer.port}`);
    // A socket opened without verification is never reused for a request that asks for verification.
    expect((await transportError(http.request({ method: 'GET', url: `https://siem.test:${tlsServer.port}/` }))).code).toBe('tls');
  });
});
