/**
 * On a real loopback server, a client that goes away (mid-headers, mid-body, before or while its answer is
 * written; by reset or by a plain close) is logged below error level: it is not a fault of ours. A fault of ours
 * on the same server still logs at error level.
 */
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend } from '../../helpers/stores.ts';
import { startTestService, type TestService } from '../../helpers/service.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LogLine {
  level: number;
  msg: string;
}

/** pino's levels: debug 20, info 30, warn 40, error 50. */
const INFO = 30;
const ERROR = 50;

describe('client disconnects on a loopback server', () => {
  let t: TestService;
  let port: number;
  let token: string;
  let slowStarted: () => void = () => {};
  beforeAll(async () => {
    const testRoutes = async (app: FastifyInstance) => {
      app.get('/test-only/fails', async () => {
        throw new Error('a bug of ours');
      });
      // Answers after its client may have gone: the reply is written to a closed connection.
      app.get('/test-only/slow', async () => {
        slowStarted();
        await sleep(200);
        return { ok: true };
      });
      // A big answer the client stops reading half-way.
      app.get('/test-only/big', async () => ({ filler: 'x'.repeat(8 * 1024 * 1024) }));
    };
    t = await startTestService(sqliteBackend, { settings: { port: 0, host: '127.0.0.1' }, service: { extraRoutes: [testRoutes] } });
    port = Number(new URL((await t.service.listen()).address).port);
    token = await t.token({ scope: 'events:write' });
  });
  afterAll(async () => t?.dispose());

  const linesSince = (from: number) => t.logs.slice(from).map((l) => JSON.parse(l) as LogLine);

  async function connect(): Promise<net.Socket> {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    return socket;
  }

  /** Waits until the server has logged what `expected` looks for (2 s at most), and a little longer for the rest. */
  async function settle(from: number, expected: (lines: LogLine[]) => boolean) {
    for (let i = 0; i < 100 && !expected(linesSince(from)); i++) await sleep(20);
    await sleep(150);
    return linesSince(from);
  }
  /** What the server logs when the connection goes: a reset at debug, a close mid-request as a client error. */
  const connectionGone = (how: Close) => (ls: LogLine[]) =>
    ls.some((l) => l.msg === (how === 'reset' ? 'client connection reset' : 'client error'));

  const head = (path: string, headers: Record<string, string | number>) =>
    `POST ${path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${token}\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    '\r\n';

  type Close = 'reset' | 'close';
  const end = (socket: net.Socket, how: Close) => (how === 'reset' ? socket.resetAndDestroy() : socket.destroy());

  const partialEvents = '[{"class_uid":3002,"type":"user.login","user":{"user_id":"u-1"}},{"class_uid":3002';
  const gzipped = gzipSync(Buffer.from(`[${Array.from({ length: 2000 }, (_, i) => `{"class_uid":3002,"n":${i}}`).join(',')}]`));

  const bodies: [string, string, Record<string, string | number>, Buffer | string][] = [
    ['POST /v1/events, JSON', '/v1/events', { 'Content-Type': 'application/json', 'Content-Length': 100_000 }, partialEvents],
    ['POST /v1/events, NDJSON', '/v1/events', { 'Content-Type': 'application/x-ndjson', 'Content-Length': 100_000 }, '{"class_uid":3002}\n{"class'],
    ['POST /v1/events, gzip', '/v1/events', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': gzipped.length }, gzipped.subarray(0, gzipped.length >> 1)],
    ['POST /v1/events, chunked', '/v1/events', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, `${partialEvents.length.toString(16)}\r\n${partialEvents}\r\n`],
    ['POST /v1/org/siem-configs, JSON', '/v1/org/siem-configs', { 'Content-Type': 'application/json', 'Content-Length': 10_000 }, '{"connector_type":"http","config":{"url":'],
    ['POST /api/organizations/…/siem-configs, JSON', '/api/organizations/acme-corp/siem-configs', { 'Content-Type': 'application/json', 'Content-Length': 10_000 }, '{"name":"x",'],
  ];
  const closes: Close[] = ['reset', 'close'];
  const cases = bodies.flatMap((b) => closes.map((c) => [...b, c] as const));

  it.each(cases)('a body aborted mid-way on %s (%s) is logged below error level', async (_name, path, headers, partial, how) => {
    const from = t.logs.length;
    const socket = await connect();
    socket.write(head(path, headers));
    socket.write(partial);
    await sleep(100);
    end(socket, how);
    const lines = await settle(from, (ls) => ls.some((l) => /client|disconnect|reset/.test(l.msg)));
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(lines.some((l) => l.level <= INFO && /client/.test(l.msg)), JSON.stringify(lines)).toBe(true);
  });

  it.each(closes)('a connection that ends mid-headers (%s) is logged below error level', async (how) => {
    const from = t.logs.length;
    const socket = await connect();
    socket.write(`POST /v1/events HTTP/1.1\r\nHost: test\r\nAuthorization: Bear`);
    await sleep(100);
    end(socket, how);
    const lines = await settle(from, connectionGone(how));
    expect(lines.length, 'the server noticed').toBeGreaterThan(0);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it.each(closes)('a client gone before its answer is written (%s) is logged below error level', async (how) => {
    const from = t.logs.length;
    const socket = await connect();
    const started = new Promise<void>((resolve) => (slowStarted = resolve));
    socket.write('GET /test-only/slow HTTP/1.1\r\nHost: test\r\n\r\n');
    await started;
    end(socket, how);
    // After a reset the reply is still written and completes; after a close nothing more is logged.
    await settle(from, (ls) => ls.some((l) => /^request (completed|errored)$/.test(l.msg)) || (how === 'close' && ls.length > 0));
    await sleep(250); // the route answers 200 ms after it started
    const lines = linesSince(from);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it.each(closes)('a client that stops reading a big answer (%s) is logged below error level', async (how) => {
    const from = t.logs.length;
    const socket = await connect();
    socket.write('GET /test-only/big HTTP/1.1\r\nHost: test\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    socket.pause();
    end(socket, how);
    const lines = await settle(from, (ls) => ls.some((l) => /request (completed|errored)|client/.test(l.msg)));
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('a fault of ours on the same server is still logged at error level', async () => {
    const from = t.logs.length;
    const res = await fetch(`http://127.0.0.1:${port}/test-only/fails`);
    expect(res.status).toBe(500);
    const lines = await settle(from, (ls) => ls.some((l) => l.level === ERROR));
    expect(lines.filter((l) => l.level === ERROR).map((l) => l.msg)).toEqual(['request failed']);
  });

  it('a malformed request is logged at info and answered 400', async () => {
    const from = t.logs.length;
    const socket = await connect();
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
    });
    socket.write('NOT HTTP AT ALL\r\n\r\n');
    expect(await answer).toMatch(/^HTTP\/1\.1 400 /);
    const lines = await settle(from, (ls) => ls.some((l) => l.msg === 'client error'));
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(lines.find((l) => l.msg === 'client error')?.level).toBe(INFO);
  });
});
