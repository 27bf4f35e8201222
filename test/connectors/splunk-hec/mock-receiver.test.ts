/** The mock must be as strict as Splunk HEC (protocols.md §1.11), or connector tests prove nothing. */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSplunkHecMock, type SplunkHecMock } from './mock-receiver.ts';

const CH_A = '6a1e8f1c-2b6d-4d0c-9b1e-0e7f3a9c5d21';
const CH_B = '7b2f9a2d-3c7e-4e1d-8c2f-1f8a4b0d6e32';

let mock: SplunkHecMock;
let ackMock: SplunkHecMock;
beforeAll(async () => {
  mock = await startSplunkHecMock({ allowedIndexes: ['main', 'ocsf'] });
  ackMock = await startSplunkHecMock({ ack: true });
});
afterAll(async () => {
  await mock.close();
  await ackMock.close();
});

async function post(
  m: SplunkHecMock,
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> | string }> {
  const res = await fetch(`${m.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Splunk ${m.token}`, ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}
const ev = (event: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ event, ...extra });

describe('paths and methods', () => {
  const notFound = { text: 'The requested URL was not found on this server.', code: 404 };

  it.each(['/services/collector', '/services/collector/event', '/services/collector/event/1.0'])('accepts events on %s', async (path) => {
    expect(await post(mock, path, ev({ n: path }))).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    expect(mock.events().at(-1)).toEqual({ n: path });
  });

  it.each(['/services/collector/raw', '/services/collector/raw/1.0'])('accepts raw lines on %s', async (path) => {
    expect(await post(mock, path, '{"raw":1}\nplain text\n')).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    expect(mock.events().slice(-2)).toEqual([{ raw: 1 }, { _raw: 'plain text' }]);
  });

  it('answers an unknown path with 404 and a data path with the wrong method with 405', async () => {
    expect(await post(mock, '/services/collector/events', ev(1))).toEqual({ status: 404, body: notFound });
    expect(await post(mock, '/services/collector/event/', ev(1))).toEqual({ status: 404, body: notFound });
    const get = await fetch(`${mock.url}/services/collector/event`);
    expect([get.status, await get.json()]).toEqual([405, notFound]);
  });

  it.each(['/services/collector/health', '/services/collector/health/1.0'])('GET %s is healthy whatever the token', async (path) => {
    const res = await fetch(`${mock.url}${path}`, { headers: { Authorization: 'Splunk bogus' } });
    expect([res.status, await res.json()]).toEqual([200, { text: 'HEC is healthy', code: 17 }]);
  });
});

describe('authorization', () => {
  it.each([
    [{}, 401, 2, 'Token is required'],
    [{ Authorization: 'Bearer x' }, 401, 3, 'Invalid authorization'],
    [{ Authorization: 'splunk-token-without-scheme' }, 401, 3, 'Invalid authorization'],
    [{ Authorization: 'Splunk wrong-token' }, 403, 4, 'Invalid token'],
  ])('%j → %d code %d', async (headers, status, code, text) => {
    const res = await fetch(`${mock.url}/services/collector/event`, { method: 'POST', headers, body: ev(1) });
    expect([res.status, await res.json()]).toEqual([status, { text, code }]);
  });

  it('accepts HTTP Basic with the token as password, refuses query-string auth', async () => {
    const basic = Buffer.from(`x:${mock.token}`).toString('base64');
    const ok = await fetch(`${mock.url}/services/collector/event`, { method: 'POST', headers: { Authorization: `Basic ${basic}` }, body: ev(1) });
    expect(ok.status).toBe(200);
    const q = await fetch(`${mock.url}/services/collector/event?token=${mock.token}`, { method: 'POST', body: ev(1) });
    expect([q.status, await q.json()]).toEqual([400, { text: 'Query string authorization is not enabled', code: 16 }]);
  });

  it('reports a disabled token with code 1', async () => {
    const disabled = await startSplunkHecMock({ tokenDisabled: true });
    try {
      expect(await post(disabled, '/services/collector/event', ev(1))).toEqual({ status: 403, body: { text: 'Token disabled', code: 1 } });
    } finally {
      await disabled.close();
    }
  });
});

describe('body', () => {
  it('accepts gzip, refuses other encodings with 415, ignores Content-Type', async () => {
    expect((await post(mock, '/services/collector/event', gzipSync(ev({ z: 1 })), { 'Content-Encoding': 'gzip' })).status).toBe(200);
    expect(mock.events().at(-1)).toEqual({ z: 1 });
    expect((await post(mock, '/services/collector/event', ev(1), { 'Content-Encoding': 'deflate' })).status).toBe(415);
    expect((await post(mock, '/services/collector/event', ev(1), { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(200);
  });

  it('parses concatenated objects with or without separators', async () => {
    const before = mock.envelopes().length;
    const body = `${ev({ a: 1 })}${ev({ a: 2 })}\n  ${ev({ a: 3 })}\r\n`;
    expect((await post(mock, '/services/collector/event', body)).status).toBe(200);
    expect(mock.envelopes().slice(before).map((e) => e.event)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it.each([
    ['', 5, 'No data', undefined],
    ['  \n', 5, 'No data', undefined],
    [`[${ev(1)}]`, 6, 'Invalid data format', 0],
    [`${ev(1)}{"event": }${ev(3)}`, 6, 'Invalid data format', 1],
    [`${ev(1)}${ev(2)}{"event":"x"`, 6, 'Invalid data format', 2],
    [`${ev(1)}42`, 6, 'Invalid data format', 1],
    [`${ev(1)}{"time":1}`, 12, 'Event field is required', 1],
    [`${ev(1)}${ev('  ')}`, 13, 'Event field cannot be blank', 1],
    [ev(null), 6, 'Invalid data format', 0],
    [ev(false), 6, 'Invalid data format', 0],
    [ev(1, { fields: { nested: { a: 1 } } }), 15, 'Error in handling indexed fields', 0],
    [ev(1, { fields: { n: 3 } }), 15, 'Error in handling indexed fields', 0],
    [ev(1, { time: 'yesterday' }), 6, 'Invalid data format', 0],
    [ev(1, { host: 5 }), 6, 'Invalid data format', 0],
    [ev(1, { unknown_key: 1 }), 6, 'Invalid data format', 0],
    [`${ev(1, { index: 'main' })}${ev(2, { index: 'secret' })}`, 7, 'Incorrect index', 1],
  ])('%j → 400 code %d', async (body, code, text, k) => {
    const before = mock.envelopes().length;
    const res = await post(mock, '/services/collector/event', body);
    expect(res).toEqual({ status: 400, body: { text, code, ...(k === undefined ? {} : { 'invalid-event-number': k }) } });
    // The envelopes before the bad one were indexed, nothing after it.
    expect(mock.envelopes().length - before).toBe(k ?? 0);
  });

  it.each([
    [{ time: 1718020800.123 }],
    [{ time: '1718020800.123' }],
    [{ time: '1718020800' }],
    [{ fields: { a: 'x', b: ['y', 'z'] } }],
    [{ index: 'ocsf', host: 'h', source: 's', sourcetype: 'st' }],
  ])('accepts %j', async (extra) => {
    expect((await post(mock, '/services/collector/event', ev({ ok: 1 }, extra))).status).toBe(200);
    expect(mock.envelopes().at(-1)).toEqual({ event: { ok: 1 }, ...extra });
  });

  it('refuses a body over max_content_length with 413', async () => {
    const small = await startSplunkHecMock({ maxContentLength: 100 });
    try {
      expect((await post(small, '/services/collector/event', ev('x'.repeat(200)))).status).toBe(413);
      expect(small.events()).toEqual([]);
    } finally {
      await small.close();
    }
  });
});

describe('indexer acknowledgement mode', () => {
  const withChannel = (channel: string) => ({ 'X-Splunk-Request-Channel': channel });
  const poll = (channel: string, acks: number[]) =>
    post(ackMock, '/services/collector/ack', JSON.stringify({ acks }), withChannel(channel));

  it('requires a GUID channel (codes 10 and 11), by header or query', async () => {
    expect(await post(ackMock, '/services/collector/event', ev(1))).toEqual({ status: 400, body: { text: 'Data channel is missing', code: 10 } });
    expect(await post(ackMock, '/services/collector/event', ev(1), withChannel('not-a-guid'))).toEqual({
      status: 400,
      body: { text: 'Invalid data channel', code: 11 },
    });
    expect((await post(ackMock, `/services/collector/event?channel=${CH_B}`, ev(1))).body).toMatchObject({ code: 0, ackId: 0 });
  });

  it('numbers ack ids per channel from 0 and reports true once, then forgets', async () => {
    expect((await post(ackMock, '/services/collector/event', ev(1), withChannel(CH_A))).body).toEqual({ text: 'Success', code: 0, ackId: 0 });
    expect((await post(ackMock, '/services/collector/event', ev(2), withChannel(CH_A))).body).toEqual({ text: 'Success', code: 0, ackId: 1 });
    expect((await post(ackMock, '/services/collector/event', ev(3), withChannel(CH_B))).body).toMatchObject({ ackId: 1 });

    // Ids are channel-scoped: CH_B's id 0 was acked by nobody yet, CH_A's ids are unknown on CH_B.
    expect(await poll(CH_A, [0, 1, 9])).toEqual({ status: 200, body: { acks: { 0: true, 1: true, 9: false } } });
    expect(await poll(CH_A, [0, 1])).toEqual({ status: 200, body: { acks: { 0: false, 1: false } } });
    expect((await poll(CH_B, [1])).body).toEqual({ acks: { 1: true } });
  });

  it('holds acks while indexing is "in progress"', async () => {
    const { body } = await post(ackMock, '/services/collector/event', ev(1), withChannel(CH_A));
    const id = (body as { ackId: number }).ackId;
    ackMock.holdAcks(true);
    expect((await poll(CH_A, [id])).body).toEqual({ acks: { [id]: false } });
    ackMock.holdAcks(false);
    expect((await poll(CH_A, [id])).body).toEqual({ acks: { [id]: true } });
  });

  it('refuses a malformed ack query and a poll without channel', async () => {
    expect((await post(ackMock, '/services/collector/ack', '{"acks":"0"}', withChannel(CH_A))).body).toMatchObject({ code: 6 });
    expect((await post(ackMock, '/services/collector/ack', '{"acks":[0]}')).body).toMatchObject({ code: 10 });
  });

  it('answers code 14 to ack polls when the token has no acknowledgement', async () => {
    expect(await post(mock, '/services/collector/ack', '{"acks":[0]}', withChannel(CH_A))).toEqual({
      status: 400,
      body: { text: 'ACK is disabled', code: 14 },
    });
  });
});

describe('fault injection', () => {
  it.each([
    ['retry', 503, 9],
    ['auth', 403, 4],
    ['permanent', 400, 6],
    ['too-large', 413, 413],
  ] as const)('failNext(%s) answers %d code %d, then recovers', async (kind, status, code) => {
    const before = mock.requestCount();
    mock.failNext(kind, 2);
    expect((await post(mock, '/services/collector/event', ev(1))).body).toMatchObject({ code });
    const second = await post(mock, '/services/collector/event', ev(1));
    expect([second.status, (second.body as { code: number }).code]).toEqual([status, code]);
    expect((await post(mock, '/services/collector/event', ev(1))).status).toBe(200);
    expect(mock.requestCount() - before).toBe(3);
  });

  it('sends Retry-After with injected busy answers', async () => {
    mock.inject({ status: 429, code: 26, text: 'HEC queue is at capacity and cannot process any more requests', retryAfter: 3 });
    const res = await fetch(`${mock.url}/services/collector/event`, { method: 'POST', headers: { Authorization: `Splunk ${mock.token}` }, body: ev(1) });
    expect([res.status, res.headers.get('retry-after'), (await res.json()).code]).toEqual([429, '3', 26]);
  });

  it('delays answers when slowed down', async () => {
    mock.setDelay(150);
    const started = performance.now();
    await post(mock, '/services/collector/event', ev(1));
    mock.setDelay(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
