/** The Sumo Logic mock's strictness (protocols.md §5), shown with raw requests. */
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUMO_MAX_BYTES, startSumoLogicMock, type SumoMockReceiver } from './mock-receiver.ts';

let mock: SumoMockReceiver;
beforeAll(async () => {
  mock = await startSumoLogicMock({ token: 'Tok_en-123==' });
});
afterAll(async () => {
  await mock.close();
});

const post = (body: string | Buffer, headers: Record<string, string> = {}, path = `/receiver/v1/http/${mock.token}`) =>
  fetch(`${mock.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });

describe('Sumo Logic HTTP source (mock)', () => {
  it('accepts lines plain, gzip or deflate, ignoring query parameters', async () => {
    expect((await post('a\nb\n')).status).toBe(200);
    expect((await post(gzipSync('c\n'), { 'Content-Encoding': 'gzip' })).status).toBe(200);
    expect((await post(deflateSync('d'), { 'Content-Encoding': 'deflate' }, `/receiver/v1/http/${mock.token}?x=1`)).status).toBe(200);
    expect(mock.messages().slice(-4).map((m) => m.line)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('parses X-Sumo-Fields and the other X-Sumo headers', async () => {
    await post('x\n', { 'X-Sumo-Fields': 'env=prod, team=sec', 'X-Sumo-Category': 'c', 'X-Sumo-Name': 'n', 'X-Sumo-Host': 'h' });
    expect(mock.messages().at(-1)).toEqual({ line: 'x', category: 'c', name: 'n', host: 'h', fields: { env: 'prod', team: 'sec' } });
    expect((await post('x\n', { 'X-Sumo-Fields': 'env' })).status).toBe(400);
  });

  it('404s other paths and 401s unknown tokens', async () => {
    expect((await post('x', {}, '/receiver/v1/http/bad.token')).status).toBe(404);
    expect((await post('x', {}, '/receiver/v1/logs/abc')).status).toBe(404);
    expect((await post('x', {}, '/receiver/v1/http/OtherToken')).status).toBe(401);
  });

  it('caps the uncompressed body at 1,000,000 bytes (413), compressed or not', async () => {
    expect((await post('x'.repeat(SUMO_MAX_BYTES))).status).toBe(200);
    expect((await post('x'.repeat(SUMO_MAX_BYTES + 1))).status).toBe(413);
    expect((await post(gzipSync('x'.repeat(SUMO_MAX_BYTES + 1)), { 'Content-Encoding': 'gzip' })).status).toBe(413);
  });

  it('refuses invalid UTF-8, unknown encodings, corrupt gzip and metrics content types', async () => {
    expect((await post(Buffer.from([0x7b, 0xff, 0xfe, 0x0a]))).status).toBe(400);
    expect((await post('x', { 'Content-Encoding': 'br' })).status).toBe(415);
    expect((await post('garbage', { 'Content-Encoding': 'gzip' })).status).toBe(400);
    expect((await post('cpu 1 1', { 'Content-Type': 'application/vnd.sumologic.graphite' })).status).toBe(400);
  });

  it('answers an injected retry with 429 and the quota text', async () => {
    mock.failNext('retry');
    const res = await post('x\n');
    expect(res.status).toBe(429);
    expect(await res.text()).toBe('You have temporarily exceeded your Sumo Logic quota. Please try again at a later time');
  });
});
