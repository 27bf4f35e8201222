/** Compressed publish bodies: inflated within the limit (a gzip bomb is a quick 413), broken gzip and other encodings refused. */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGzip, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.ts';
import { storeBackends } from '../helpers/stores.ts';

/** 1 GiB of zeros, gzip-compressed (about 1 MB): far past the 10 MB decompressed limit. */
async function gigabyteOfZerosGzipped(): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (c: Buffer) => parts.push(c));
  const zeros = Buffer.alloc(16 << 20);
  for (let i = 0; i < 64; i++) if (!gzip.write(zeros)) await new Promise((r) => gzip.once('drain', r));
  await new Promise((r) => gzip.end(r));
  return Buffer.concat(parts);
}

const login = { type: 'user.login', user: { user_id: 'u-1' } };

describe.each(storeBackends)('compressed publish bodies on $name', (backend) => {
  let t: TestService;
  let token: string;
  let bomb: Buffer;
  beforeAll(async () => {
    t = await startTestService(backend);
    token = await t.token({ scope: 'events:write' });
    bomb = await gigabyteOfZerosGzipped();
  }, 60_000);
  afterAll(async () => t?.dispose());

  const post = (url: string, payload: Buffer | string, encoding?: string) =>
    t.service.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(encoding && { 'content-encoding': encoding }) },
      payload,
    });

  it('answers a gzip bomb (1 GiB of zeros) with 413, quickly and without inflating it all', async () => {
    expect(bomb.length).toBeLessThan(2 << 20);
    const head = await t.service.ctx.eventLog.head();
    global.gc?.();
    const before = process.memoryUsage();
    const started = performance.now();
    const res = await post('/v1/events', bomb, 'gzip');
    const elapsed = performance.now() - started;
    const after = process.memoryUsage();
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ detail: 'Decompressed request body is too large', error: { code: 'SIEM_ERR_PAYLOAD_TOO_LARGE', message: 'Decompressed request body is too large' } });
    // Inflating all of it takes seconds and a GiB; stopping at the limit takes a fraction of that.
    expect(elapsed).toBeLessThan(1500);
    expect(after.rss - before.rss).toBeLessThan(200 << 20);
    expect(await t.service.ctx.eventLog.head()).toBe(head);
  });

  it('answers the bomb over a real socket with 413 too, and the service answers the next request', async () => {
    const address = await t.service.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = new URL(address);
      const send = (body: Buffer, encoding?: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest(
            { host: '127.0.0.1', port, method: 'POST', path: '/v1/events', headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${token}`, ...(encoding && { 'content-encoding': encoding }) } },
            (res) => {
              let text = '';
              res.on('data', (c) => (text += c));
              res.on('end', () => resolve({ status: res.statusCode!, body: text }));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      const refused = await send(bomb, 'gzip');
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body).error.code).toBe('SIEM_ERR_PAYLOAD_TOO_LARGE');
      const ok = await send(gzipSync(JSON.stringify([login])), 'gzip');
      expect(ok.status).toBe(202);
    } finally {
      await t.service.app.server.close();
    }
  });

  it('answers a corrupt or truncated gzip body with 400 saying why, an unknown encoding with 415', async () => {
    const corrupt = await post('/v1/events', Buffer.from('this is not gzip'), 'gzip');
    expect(corrupt.statusCode).toBe(400);
    expect(corrupt.json().error).toEqual({ code: 'SIEM_ERR_BAD_REQUEST', message: 'Body is not valid gzip (Content-Encoding: gzip): incorrect header check' });
    const whole = gzipSync(JSON.stringify([login]));
    const truncated = await post('/v1/events', whole.subarray(0, whole.length - 10), 'gzip');
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json().error.message).toMatch(/^Body is not valid gzip \(Content-Encoding: gzip\): unexpected end of file/);
    for (const encoding of ['br', 'deflate', 'gzip, gzip']) {
      const res = await post('/v1/events', JSON.stringify([login]), encoding);
      expect(res.statusCode).toBe(415);
      expect(res.json().error).toEqual({ code: 'SIEM_ERR_UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Content-Encoding: POST /v1/events accepts gzip or none' });
    }
    expect((await post('/v1/events', JSON.stringify([login]), 'identity')).statusCode).toBe(202);
    expect((await post('/v1/events', whole, 'GZIP')).statusCode).toBe(202);
  });

  it('refuses Content-Encoding on the config routes with 415 instead of reading compressed bytes as JSON', async () => {
    const adminToken = await t.token();
    const body = JSON.stringify({ name: 'x', connector_type: 'http', config: { url: 'https://siem.example.com/in' } });
    for (const url of ['/v1/org/siem-configs', '/api/organizations/acme-corp/siem-configs']) {
      for (const [payload, encoding] of [[gzipSync(body), 'gzip'], [body, 'br']] as const) {
        const res = await t.service.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'content-encoding': encoding, authorization: `Bearer ${adminToken}` }, payload });
        expect(res.statusCode).toBe(415);
        expect(JSON.stringify(res.json())).toContain('Content-Encoding is accepted on POST /v1/events only');
      }
    }
    // Without a body the header changes nothing.
    const list = await t.service.app.inject({ method: 'GET', url: '/v1/org/siem-configs', headers: { 'content-encoding': 'gzip', authorization: `Bearer ${adminToken}` } });
    expect(list.statusCode).toBe(200);
  });
});
