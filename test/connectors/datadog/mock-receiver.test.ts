/** The mock must be as strict as Datadog (protocols.md §2.8) and still accept the official client's requests. */
import { deflateSync, gzipSync } from 'node:zlib';
import { client, v1, v2 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DD_MAX_BYTES, DD_MAX_ITEMS, startDatadogMock, type DatadogMockReceiver } from './mock-receiver.ts';

let mock: DatadogMockReceiver;

beforeAll(async () => {
  mock = await startDatadogMock();
});
afterAll(async () => {
  await mock.close();
});

async function post(
  body: string | Buffer,
  headers: Record<string, string> = {},
  path = '/api/v2/logs',
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers: { 'DD-API-KEY': mock.apiKey, 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: res.status, json: await res.json() };
}

const item = (message = '{"a":1}') => ({ ddsource: 'ocsf', message });

describe('datadog mock strictness', () => {
  it('accepts a valid array with 202 {} and decodes JSON messages', async () => {
    const before = mock.events().length;
    expect(await post(JSON.stringify([item('{"metadata":{"uid":"u1"}}')]))).toEqual({ status: 202, json: {} });
    expect(mock.events().slice(before)).toEqual([{ metadata: { uid: 'u1' } }]);
  });

  it('requires the API key: 401 when missing, 403 when wrong', async () => {
    const noKey = await fetch(`${mock.url}/api/v2/logs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[]' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ errors: [{ status: '401', title: 'Unauthorized', detail: 'API key is missing' }] });
    expect((await post('[]', { 'DD-API-KEY': 'nope' })).status).toBe(403);
  });

  it('accepts gzip and deflate bodies, refuses unknown encodings and content types', async () => {
    const body = JSON.stringify([item()]);
    expect((await post(gzipSync(body), { 'Content-Encoding': 'gzip' })).status).toBe(202);
    expect((await post(deflateSync(body), { 'Content-Encoding': 'deflate' })).status).toBe(202);
    expect((await post(body, { 'Content-Encoding': 'br' })).status).toBe(415);
    expect((await post(Buffer.from('not gzip'), { 'Content-Encoding': 'gzip' })).status).toBe(400);
    expect((await post(body, { 'Content-Type': 'text/plain' })).status).toBe(415);
  });

  it('requires a JSON array of objects with a string message', async () => {
    expect((await post('{"message":"x"}')).status).toBe(400);
    expect((await post('[{"message":"x"}')).status).toBe(400);
    expect(await post(JSON.stringify([item(), { ddsource: 'ocsf' }]))).toEqual({
      status: 400,
      json: { errors: [{ status: '400', title: 'Bad Request', detail: 'Log item 1: "message" must be a string' }] },
    });
    expect((await post(JSON.stringify([{ message: 'x', service: { name: 'sso' } }]))).status).toBe(400);
    expect((await post('[1]')).status).toBe(400);
  });

  it('enforces 1000 items and 5,000,000 decompressed bytes with 413', async () => {
    const many = JSON.stringify(Array.from({ length: DD_MAX_ITEMS + 1 }, () => item('x')));
    expect((await post(many)).status).toBe(413);
    const exactlyMax = JSON.stringify(Array.from({ length: DD_MAX_ITEMS }, () => item('x')));
    expect((await post(exactlyMax)).status).toBe(202);
    const huge = JSON.stringify([item('y'.repeat(DD_MAX_BYTES))]);
    expect((await post(gzipSync(huge), { 'Content-Encoding': 'gzip' })).status).toBe(413);
  });

  it('serves /api/v1/validate and 404s unknown paths', async () => {
    const ok = await fetch(`${mock.url}/api/v1/validate`, { headers: { 'DD-API-KEY': mock.apiKey } });
    expect([ok.status, await ok.json()]).toEqual([200, { valid: true }]);
    const bad = await fetch(`${mock.url}/api/v1/validate`, { headers: { 'DD-API-KEY': 'x' } });
    expect([bad.status, await bad.json()]).toEqual([403, { errors: ['Forbidden'] }]);
    expect((await post('[]', {}, '/api/v2/log')).status).toBe(404);
  });

  it('injects faults for the next data requests only', async () => {
    mock.failNext('retry', 2);
    const first = await fetch(`${mock.url}/api/v2/logs`, { method: 'POST', body: '[]' });
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '1']);
    expect((await post(JSON.stringify([item()]))).status).toBe(429);
    expect((await post(JSON.stringify([item()]))).status).toBe(202);
  });
});

describe('datadog mock with the official @datadog/datadog-api-client', () => {
  const configuration = () =>
    client.createConfiguration({
      authMethods: { apiKeyAuth: mock.apiKey },
      baseServer: new client.BaseServerConfiguration(mock.url, {}),
    });

  it('accepts v2 LogsApi.submitLog (plain and gzip) and v1 AuthenticationApi.validate', async () => {
    const logs = new v2.LogsApi(configuration());
    const before = mock.items().length;
    const body = [{ ddsource: 'ocsf', service: 'authos', ddtags: 'env:test', hostname: 'h', message: '{"class_uid":3002}' }];
    expect(await logs.submitLog({ body })).toEqual({});
    expect(await logs.submitLog({ body, contentEncoding: 'gzip' })).toEqual({});
    expect(mock.items().slice(before)).toEqual([body[0], body[0]]);
    expect(mock.requests().at(-1)!.headers['content-encoding']).toBe('gzip');
    expect(await new v1.AuthenticationApi(configuration()).validate()).toEqual({ valid: true });
  });

  it('accepts the v1 submitLog path (/v1/input)', async () => {
    const logs = new v1.LogsApi(configuration());
    await logs.submitLog({ body: [{ message: 'plain text line', ddsource: 'ocsf' }] });
    expect(mock.requests().at(-1)).toMatchObject({ path: '/v1/input', status: 200 });
  });

  it('surfaces a wrong key to the client as 403', async () => {
    const bad = client.createConfiguration({
      authMethods: { apiKeyAuth: 'wrong' },
      baseServer: new client.BaseServerConfiguration(mock.url, {}),
    });
    await expect(new v2.LogsApi(bad).submitLog({ body: [{ message: 'x' }] })).rejects.toMatchObject({ code: 403 });
  });
});
