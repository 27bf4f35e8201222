/**
 * Slow clients over real sockets: a body that does not arrive within SIEM_REQUEST_TIMEOUT_MS gets 408 and the
 * connection closes; headers (or nothing) dribbling past SIEM_HEADERS_TIMEOUT_MS are cut; an upload that is slow
 * but finishes in time is served. None of it is logged as an error.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, loadSettings } from '../../src/config/env.ts';
import { sqliteBackend } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

const REQUEST_MS = 1500;
const HEADERS_MS = 800;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw connection: what it received and when the server closed it (ms after connecting). */
function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => (received += d.toString()));
  socket.on('error', () => {});
  const started = Date.now();
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
  return {
    socket,
    closed,
    get received() {
      return received;
    },
    /** Writes `text` a piece at a time every `everyMs` while the socket is open. */
    dribble(text: string, everyMs: number) {
      let i = 0;
      const timer = setInterval(() => {
        if (i >= text.length || !socket.writable) return clearInterval(timer);
        socket.write(text[i++]!);
      }, everyMs);
      return () => clearInterval(timer);
    },
  };
}

describe('request timeouts', () => {
  let t: TestService;
  let port: number;
  let token: string;
  beforeAll(async () => {
    t = await startTestService(sqliteBackend, { settings: { port: 0, host: '127.0.0.1', requestTimeoutMs: REQUEST_MS, headersTimeoutMs: HEADERS_MS } });
    port = Number(new URL((await t.service.listen()).address).port);
    token = await t.token();
  });
  afterAll(async () => t?.dispose());

  const head = (length: number) =>
    `POST /v1/org/siem-configs HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
  const errorLines = () => t.logs.filter((l) => JSON.parse(l).level >= 50);

  it('a body sent too slowly gets 408 within the request timeout, and the connection closes', async () => {
    const c = connect(port);
    c.socket.write(head(500));
    c.socket.write('{');
    const stop = c.dribble(' '.repeat(499), 100);
    const ms = await c.closed;
    stop();
    expect(ms).toBeGreaterThanOrEqual(REQUEST_MS - 100);
    expect(ms).toBeLessThan(REQUEST_MS + 1500);
    expect(c.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    const body = JSON.parse(c.received.slice(c.received.indexOf('\r\n\r\n') + 4));
    expect(body.error.code).toBe('SIEM_ERR_REQUEST_TIMEOUT');
    expect(body.detail).toBe(body.error.message);
    expect(errorLines()).toEqual([]);
  });

  it('headers sent too slowly are cut at the headers timeout', async () => {
    const c = connect(port);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n');
    const stop = c.dribble('X-Slow: ' + 'a'.repeat(200), 50);
    const ms = await c.closed;
    stop();
    expect(ms).toBeLessThan(HEADERS_MS + 1000);
    expect(c.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(c.received).not.toContain('"ok"');
  });

  it('a connection that sends nothing is closed at the headers timeout', async () => {
    const c = connect(port);
    const ms = await Promise.race([c.closed, sleep(HEADERS_MS + 3000).then(() => Infinity)]);
    c.socket.destroy();
    expect(ms).toBeLessThan(HEADERS_MS + 1000);
  });

  it('an upload that is slow but completes within the limit is served', async () => {
    const body = JSON.stringify({ connector_type: 'http', is_enabled: false, config: { url: 'https://collector.example.com/in' } });
    const c = connect(port);
    c.socket.write(head(Buffer.byteLength(body)));
    // About 900 ms of dribbling, within the 1500 ms limit.
    const pieces = 9;
    const size = Math.ceil(body.length / pieces);
    for (let i = 0; i < body.length; i += size) {
      await sleep(100);
      c.socket.write(body.slice(i, i + size));
    }
    await Promise.race([new Promise<void>((resolve) => c.socket.on('data', () => c.received.includes('\r\n\r\n') && resolve())), sleep(3000)]);
    c.socket.destroy();
    expect(c.received).toMatch(/^HTTP\/1\.1 201 /);
  });

  it('the limits come from the environment; the headers timeout may not exceed the request timeout', () => {
    const s = loadSettings({ SIEM_REQUEST_TIMEOUT_MS: '30000', SIEM_HEADERS_TIMEOUT_MS: '5000', SIEM_KEEP_ALIVE_TIMEOUT_MS: '65000' });
    expect(s).toMatchObject({ requestTimeoutMs: 30_000, headersTimeoutMs: 5000, keepAliveTimeoutMs: 65_000 });
    expect(loadSettings({})).toMatchObject({ requestTimeoutMs: 60_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 72_000 });
    expect(loadSettings({ SIEM_REQUEST_TIMEOUT_MS: '4000' }).headersTimeoutMs).toBe(4000);
    expect(() => loadSettings({ SIEM_REQUEST_TIMEOUT_MS: '1000', SIEM_HEADERS_TIMEOUT_MS: '2000' })).toThrow(EnvError);
    expect(() => loadSettings({ SIEM_REQUEST_TIMEOUT_MS: '0' })).toThrow(/SIEM_REQUEST_TIMEOUT_MS/);
  });
});
