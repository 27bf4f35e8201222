/** The mock is only useful if it is strict: each rule of protocols.md §4 it enforces, shown with raw requests. */
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGESTION_MAX_BYTES, startSentinelMock, type SentinelMockReceiver } from './mock-receiver.ts';

let clock = Date.UTC(2026, 10, 21, 12, 0, 0);
let mock: SentinelMockReceiver;
let token: string;

beforeAll(async () => {
  mock = await startSentinelMock({ now: () => clock, tokenLifetimeSeconds: 60 });
  token = (await (await tokenRequest({})).json()).access_token;
});
afterAll(async () => {
  await mock.close();
});

function tokenRequest(overrides: Record<string, string>, tenant = mock.tenantId) {
  const form = {
    grant_type: 'client_credentials',
    client_id: mock.clientId,
    client_secret: mock.clientSecret,
    scope: 'https://monitor.azure.com//.default',
    ...overrides,
  };
  return fetch(`${mock.url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams(form) });
}

const record = (extra: Record<string, unknown> = {}) => ({ TimeGenerated: '2026-11-21T12:00:00.000Z', class_uid: 3002, ...extra });

function ingest(body: Buffer | string, opts: { headers?: Record<string, string>; query?: string; bearer?: string } = {}) {
  return fetch(`${mock.url}/dataCollectionRules/${mock.dcrImmutableId}/streams/${mock.streamName}?${opts.query ?? 'api-version=2023-01-01'}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${opts.bearer ?? token}`, ...opts.headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

async function errorOf(res: Response) {
  return { status: res.status, code: res.headers.get('x-ms-error-code'), body: (await res.json()) as { error: { code: string; message: string } } };
}

describe('Entra token endpoint (mock)', () => {
  it('issues a bearer token for the right client credentials and either scope form', async () => {
    const res = await tokenRequest({ scope: 'https://monitor.azure.com/.default' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ token_type: 'Bearer', expires_in: 60, ext_expires_in: 60, access_token: expect.any(String) });
  });

  it.each([
    [{ client_secret: 'x' }, 'invalid_client', /^AADSTS7000215: /],
    [{ client_id: 'x' }, 'unauthorized_client', /^AADSTS700016: /],
    [{ grant_type: 'password' }, 'unsupported_grant_type', /^AADSTS70003: /],
    [{ scope: 'https://management.azure.com/.default' }, 'invalid_scope', /^AADSTS70011: /],
  ])('refuses %j with 400 %s', async (overrides, error, description) => {
    const res = await tokenRequest(overrides);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe(error);
    expect(body.error_description).toMatch(description);
  });

  it('refuses an unknown tenant and a non-form body', async () => {
    expect((await (await tokenRequest({}, 'other-tenant')).json()).error_description).toMatch(/^AADSTS90002: Tenant 'other-tenant' not found/);
    const json = await fetch(`${mock.url}/${mock.tenantId}/oauth2/v2.0/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(400);
  });
});

describe('Logs Ingestion endpoint (mock)', () => {
  it('accepts a JSON array with TimeGenerated, plain or gzip, answering 204', async () => {
    const body = JSON.stringify([record({ n: 1 })]);
    expect((await ingest(body)).status).toBe(204);
    expect((await ingest(gzipSync(body), { headers: { 'Content-Encoding': 'gzip' } })).status).toBe(204);
    expect(mock.records().slice(-2)).toEqual([record({ n: 1 }), record({ n: 1 })]);
    expect(mock.events().at(-1)).toEqual({ class_uid: 3002, n: 1 });
  });

  it('requires api-version (decoding the SDK’s api%2Dversion form)', async () => {
    expect((await ingest('[]', { query: 'api%2Dversion=2023-01-01' })).status).toBe(204);
    expect(await errorOf(await ingest('[]', { query: '' }))).toMatchObject({ status: 400, code: 'MissingApiVersionParameter' });
    expect(await errorOf(await ingest('[]', { query: 'api-version=2021-11-01-preview' }))).toMatchObject({ status: 400, code: 'InvalidApiVersionParameter' });
  });

  it('requires a token it issued and that has not expired', async () => {
    expect(await errorOf(await ingest('[]', { bearer: 'forged' }))).toMatchObject({ status: 401, code: 'InvalidToken' });
    clock += 61_000;
    try {
      expect((await ingest('[]')).status).toBe(401);
    } finally {
      clock -= 61_000;
    }
  });

  it('caps the body at 1,048,576 bytes on the wire and decompressed (413)', async () => {
    const pad = (n: number) => JSON.stringify([record({ p: 'x'.repeat(n) })]);
    const exact = pad(INGESTION_MAX_BYTES - pad(0).length);
    expect(Buffer.byteLength(exact)).toBe(INGESTION_MAX_BYTES);
    expect((await ingest(exact)).status).toBe(204);
    const over = pad(INGESTION_MAX_BYTES - pad(0).length + 1);
    expect(await errorOf(await ingest(over))).toMatchObject({ status: 413, code: 'ContentLengthLimitExceeded' });
    // Small on the wire, too big once inflated.
    const bomb = gzipSync(over);
    expect(bomb.length).toBeLessThan(10_000);
    expect((await ingest(bomb, { headers: { 'Content-Encoding': 'gzip' } })).status).toBe(413);
  });

  it.each([
    ['a JSON object', JSON.stringify(record()), 'InvalidContent'],
    ['an array of non-objects', '[1,2]', 'InvalidContent'],
    ['records without TimeGenerated', JSON.stringify([{ class_uid: 3002 }]), 'InvalidContent'],
    ['invalid JSON', '[{', 'InvalidContent'],
  ])('refuses %s with 400', async (_what, body, code) => {
    expect(await errorOf(await ingest(body))).toMatchObject({ status: 400, code });
  });

  it('refuses other media types and encodings', async () => {
    expect((await ingest('[]', { headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
    expect((await ingest('[]', { headers: { 'Content-Encoding': 'br' } })).status).toBe(415);
    expect((await ingest('garbage', { headers: { 'Content-Encoding': 'gzip' } })).status).toBe(400);
  });
});

describe('legacy Data Collector endpoint (mock)', () => {
  const date = new Date(clock).toUTCString();
  function collector(body: string, headers: Record<string, string> = {}, opts: { key?: string; at?: string } = {}) {
    const at = opts.at ?? date;
    const sig = createHmac('sha256', Buffer.from(opts.key ?? mock.sharedKey, 'base64'))
      .update(`POST\n${Buffer.byteLength(body)}\napplication/json\nx-ms-date:${at}\n/api/logs`)
      .digest('base64');
    return fetch(`${mock.url}/api/logs?api-version=2016-04-01`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Log-Type': 'OcsfEvents',
        'x-ms-date': at,
        Authorization: `SharedKey ${mock.workspaceId}:${sig}`,
        ...headers,
      },
      body,
    });
  }

  it('accepts a correctly signed JSON array (200, empty body)', async () => {
    const res = await collector(JSON.stringify([{ a: 1, b_c: 'é' }]));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it.each([
    ['a bad signature', () => collector('[]', {}, { key: Buffer.from('wrong').toString('base64') }), 403, 'InvalidAuthorization'],
    ['a date 16 minutes off', () => collector('[]', {}, { at: new Date(clock - 16 * 60_000).toUTCString() }), 403, 'InvalidAuthorization'],
    ['a bad Log-Type', () => collector('[]', { 'Log-Type': 'bad-type' }), 400, 'InvalidLogType'],
    ['a non-array body', () => collector('{"a":1}'), 400, 'InvalidDataFormat'],
    ['a dotted property name', () => collector('[{"a.b":1}]'), 400, 'InvalidDataFormat'],
    ['a bad TimeGenerated', () => collector('[{"T":"yesterday"}]', { 'time-generated-field': 'T' }), 400, 'InvalidTimeGenerated'],
  ])('refuses %s', async (_what, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(((await res.json()) as { Error: string }).Error).toBe(code);
  });
});
