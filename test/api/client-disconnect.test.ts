/**
 * A client that goes away mid-upload is not an error of ours: logged at info, never at error level. A real fault
 * of ours still is.
 */
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const eventually = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 100 && !check(); i++) await sleep(20);
  expect(check(), what).toBe(true);
};

describe('client disconnects', () => {
  let t: TestService;
  let port: number;
  beforeAll(async () => {
    const failing = async (app: FastifyInstance) => {
      app.get('/test-only/fails', async () => {
        throw new Error('a bug of ours');
      });
    };
    t = await startTestService(sqliteBackend, { settings: { port: 0, host: '127.0.0.1' }, service: { extraRoutes: [failing] } });
    port = Number(new URL((await t.service.listen()).address).port);
  });
  afterAll(async () => t?.dispose());

  const lines = () => t.logs.map((l) => JSON.parse(l) as { level: number; msg: string; reqId?: string });

  /** Sends the headers and part of a body, then resets the connection. */
  async function abortUpload(path: string, token: string, contentType = 'application/json') {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST ${path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${token}\r\nContent-Type: ${contentType}\r\nContent-Length: 100000\r\n\r\n`);
    socket.write('[{"type":"user.login","user":{"user_id":"u-1"}}');
    await sleep(150);
    socket.resetAndDestroy();
  }

  it.each([
    ['POST /v1/events (JSON)', '/v1/events', 'application/json'],
    ['POST /v1/events (NDJSON)', '/v1/events', 'application/x-ndjson'],
    ['POST /v1/org/siem-configs', '/v1/org/siem-configs', 'application/json'],
    ['POST /api/organizations/…/siem-configs', '/api/organizations/acme-corp/siem-configs', 'application/json'],
  ])('an upload aborted mid-body on %s is logged at info, not as an error', async (_name, path, contentType) => {
    const before = t.logs.length;
    await abortUpload(path, await t.token({ scope: 'events:write' }), contentType);
    await eventually(() => lines().slice(before).some((l) => l.level === 30 && l.msg === 'client disconnected mid-request'), 'the disconnect logged at info');
    await sleep(100);
    expect(lines().slice(before).filter((l) => l.level >= 40)).toEqual([]);
  });

  it('a fault of ours is still logged at error level', async () => {
    const before = t.logs.length;
    const res = await t.service.app.inject({ method: 'GET', url: '/test-only/fails' });
    expect(res.statusCode).toBe(500);
    expect(lines().slice(before).some((l) => l.level === 50 && l.msg === 'request failed')).toBe(true);
  });
});
