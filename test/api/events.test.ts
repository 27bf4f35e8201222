import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppendedNotice } from '../../src/pipeline/publish.ts';
import { EVENTS_BODY_LIMIT, MAX_EVENTS_PER_REQUEST } from '../../src/api/events-body.ts';
import { authenticationEvent } from '../fixtures/events.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { storeBackends } from '../helpers/stores.ts';

const login = (extra: Record<string, unknown> = {}) => ({ type: 'user.login', user: { user_id: 'u-1', email: 'alice@example.com' }, ...extra });

describe.each(storeBackends)('POST /v1/events on $name', (backend) => {
  let t: TestService;
  let orgToken: string;
  let platformToken: string;
  beforeAll(async () => {
    t = await startTestService(backend);
    orgToken = await t.token({ scope: 'events:write' });
    platformToken = await t.token({ orgId: undefined, orgSlug: undefined, role: undefined, platformAdmin: true, scope: 'events:write' });
  });
  afterAll(async () => t?.dispose());

  const post = (payload: string | Buffer | unknown, opts: { token?: string | null; contentType?: string; encoding?: string } = {}) => {
    const token = opts.token === undefined ? orgToken : opts.token;
    const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.encoding) headers['content-encoding'] = opts.encoding;
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
    return t.service.app.inject({ method: 'POST', url: '/v1/events', headers, payload: body });
  };
  const log = () => t.service.ctx.eventLog;
  const stored = async (uids: string[]) => {
    const rows = await log().read({ afterSeq: 0, limit: 1_000_000 });
    return rows.filter((r) => uids.includes(r.uid));
  };

  it('accepts a JSON array, keeps the valid events and lists the invalid ones by index', async () => {
    const ocsf = authenticationEvent();
    const res = await post([login({ id: 'arr-1' }), { type: 'nope' }, ocsf, 42, { class_uid: 3002 }]);
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 3, 4]);
    expect(body.rejected[0].error).toMatch(/^type: unknown simple event type/);
    const rows = await stored(['arr-1', ocsf.metadata.uid]);
    expect(rows.map((r) => [r.uid, r.orgId])).toEqual([['arr-1', 'org-1'], [ocsf.metadata.uid, 'org-1']]);
    const saved = JSON.parse(rows[1].json);
    expect(saved).toEqual({ ...ocsf, metadata: { ...ocsf.metadata, tenant_uid: 'org-1' } });
    expect(rows[1]).toMatchObject({ classUid: 3002, severityId: ocsf.severity_id, time: ocsf.time });
  });

  it('accepts {"events": [...]} and assigns a time-ordered metadata.uid when absent', async () => {
    const res = await post({ events: [login({ message: 'wrapped' })] });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const last = (await log().read({ afterSeq: (await log().head()) - 1, limit: 1 }))[0];
    expect(JSON.parse(last.json).message).toBe('wrapped');
    expect(last.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('accepts NDJSON: blank lines skipped, a bad line rejected with its index, the others kept', async () => {
    const lines = [JSON.stringify(login({ id: 'nd-0' })), '', '{not json', '   ', JSON.stringify(login({ id: 'nd-2' })), JSON.stringify({ type: 'user.login' })];
    const res = await post(lines.join('\r\n') + '\n', { contentType: 'application/x-ndjson' });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, error: 'event: line is not valid JSON' },
      { index: 3, error: expect.stringMatching(/^user: required/) },
    ]);
    expect((await stored(['nd-0', 'nd-2'])).map((r) => r.uid)).toEqual(['nd-0', 'nd-2']);
  });

  it('decompresses gzip bodies (JSON and NDJSON)', async () => {
    const json = await post(gzipSync(JSON.stringify([login({ id: 'gz-1' })])), { encoding: 'gzip' });
    expect(json.statusCode).toBe(202);
    expect(json.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const nd = await post(gzipSync(`${JSON.stringify(login({ id: 'gz-2' }))}\n`), { contentType: 'application/x-ndjson', encoding: 'gzip' });
    expect(nd.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await stored(['gz-1', 'gz-2'])).length).toBe(2);
  });

  it('answers 413 beyond 10 MB on the wire, after decompression (zip bomb), and beyond 100,000 events', async () => {
    const wire = await post(Buffer.alloc(EVENTS_BODY_LIMIT + 1, 0x20));
    expect(wire.statusCode).toBe(413);
    expect(wire.json().error.code).toBe('SIEM_ERR_PAYLOAD_TOO_LARGE');

    const bomb = gzipSync(Buffer.alloc(EVENTS_BODY_LIMIT + 1, 0x20));
    expect(bomb.length).toBeLessThan(EVENTS_BODY_LIMIT / 100);
    const inflated = await post(bomb, { encoding: 'gzip' });
    expect(inflated.statusCode).toBe(413);
    expect(inflated.json().detail).toMatch(/Decompressed/);

    // Streamed without Content-Length: counted as it arrives.
    const chunked = await t.service.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${orgToken}` },
      payload: Readable.from((function* () {
        for (let sent = 0; sent <= EVENTS_BODY_LIMIT; sent += 1 << 20) yield Buffer.alloc(1 << 20, 0x20);
      })()),
    });
    expect(chunked.statusCode).toBe(413);
    expect(chunked.json().error.code).toBe('SIEM_ERR_PAYLOAD_TOO_LARGE');

    const before = await log().head();
    const many = await post(`[${Array(MAX_EVENTS_PER_REQUEST + 1).fill('{}').join(',')}]`);
    expect(many.statusCode).toBe(413);
    expect(many.json().detail).toMatch(/100000 events/);
    expect(await log().head()).toBe(before);
  });

  it('refuses bad bodies with 4xx: invalid JSON, wrong shape, bad gzip, unknown encoding or content type', async () => {
    const cases = [
      [await post('{"events": [', {}), 422],
      [await post({ event: [] }), 422],
      [await post('"x"'), 422],
      [await post(Buffer.from('not gzip'), { encoding: 'gzip' }), 400],
      [await post('[]', { encoding: 'br' }), 415],
      [await post('[]', { contentType: 'text/plain' }), 415],
    ] as const;
    for (const [res, status] of cases) expect(res.statusCode).toBe(status);
    expect((await post('[]')).json()).toEqual({ accepted: 0, duplicates: 0, rejected: [] });
  });

  it('applies the organisation rules of org and platform tokens', async () => {
    // Org token: events go to the token's org; naming another org is refused per event.
    const org = await post([login({ id: 'org-own' }), login({ id: 'org-other', org_id: 'org-2' }), login({ id: 'org-same', org_id: 'org-1' })]);
    expect(org.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [{ index: 1, error: expect.stringMatching(/^org_id: this token may not publish/) }] });
    expect((await stored(['org-own', 'org-other', 'org-same'])).map((r) => [r.uid, r.orgId])).toEqual([
      ['org-own', 'org-1'],
      ['org-same', 'org-1'],
    ]);

    // Platform token: each event names its org (simple org_id, OCSF metadata.tenant_uid or top-level org_id).
    const tenant = authenticationEvent();
    tenant.metadata.tenant_uid = 'org-8';
    const topLevel = { ...authenticationEvent(), org_id: 'org-9' };
    const res = await post([login({ id: 'pf-7', org_id: 'org-7' }), login({ id: 'pf-none' }), tenant, topLevel], { token: platformToken });
    expect(res.json()).toEqual({ accepted: 3, duplicates: 0, rejected: [{ index: 1, error: 'org_id: required (the token is not scoped to an organisation)' }] });
    const rows = await stored(['pf-7', tenant.metadata.uid, topLevel.metadata.uid]);
    expect(rows.map((r) => r.orgId)).toEqual(['org-7', 'org-8', 'org-9']);
    const moved = JSON.parse(rows[2].json);
    expect(moved.org_id).toBeUndefined();
    expect(moved.metadata.tenant_uid).toBe('org-9');
    expect(JSON.parse(rows[0].json).metadata.tenant_uid).toBe('org-7');
  });

  it('needs a token (401) with scope events:write (403)', async () => {
    expect((await post([login()], { token: null })).statusCode).toBe(401);
    const noScope = await post([login()], { token: await t.token() });
    expect(noScope.statusCode).toBe(403);
    expect(noScope.json().error.code).toBe('SIEM_ERR_FORBIDDEN');
  });

  it('answers 202 only after the append committed, then wakes delivery with the orgs and last seq', async () => {
    const eventLog = log();
    // The route appends through publishBody when the store prepares bodies itself (SQLite's append worker).
    const method = eventLog.publishBody ? 'publishBody' : 'append';
    const real = (eventLog[method] as (...args: unknown[]) => Promise<unknown>).bind(eventLog);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let appendCalled!: () => void;
    const called = new Promise<void>((r) => (appendCalled = r));
    const spy = vi.spyOn(eventLog, method as 'append').mockImplementation((async (...args: unknown[]) => {
      appendCalled();
      await gate;
      return real(...args);
    }) as never);
    const notices: AppendedNotice[] = [];
    t.service.ctx.publisher.events.on('appended', (n) => notices.push(n));
    try {
      let answered = false;
      const response = post([login({ id: 'gate-1' })]).then((r) => ((answered = true), r));
      await called;
      await new Promise((r) => setImmediate(r));
      expect(answered).toBe(false);
      expect(await stored(['gate-1'])).toEqual([]);
      release();
      const res = await response;
      expect(res.statusCode).toBe(202);
      const rows = await stored(['gate-1']);
      expect(rows).toHaveLength(1);
      expect(notices).toEqual([
        { orgIds: new Set(['org-1']), lastSeq: rows[0].seq, batch: { events: [{ ...rows[0], seq: undefined, publishedAt: undefined }], duplicates: 0, now: expect.any(Number) } },
      ]);
    } finally {
      spy.mockRestore();
      t.service.ctx.publisher.events.removeAllListeners('appended');
    }
  });

  it('does not append a uid twice and exposes the counts on /metrics', async () => {
    const value = async (name: string) => {
      const text = (await t.service.app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    };
    const [published, duplicate, rejected] = [await value('siemstream_events_published_total'), await value('siemstream_events_duplicate_total'), await value('siemstream_events_rejected_total')];
    const events = [login({ id: 'dup-1' }), login({ id: 'dup-2' }), login({ id: 'dup-1' })];
    // accepted counts the duplicates too (as before duplicates was answered); duplicates says how many.
    expect((await post(events)).json()).toEqual({ accepted: 3, duplicates: 1, rejected: [] });
    expect((await post([...events, { type: 'bad' }])).json()).toMatchObject({ accepted: 3, duplicates: 3 });
    expect((await stored(['dup-1', 'dup-2'])).map((r) => r.uid)).toEqual(['dup-1', 'dup-2']);
    expect(await value('siemstream_events_published_total')).toBe(published + 2);
    expect(await value('siemstream_events_duplicate_total')).toBe(duplicate + 4);
    expect(await value('siemstream_events_rejected_total')).toBe(rejected + 1);
    const res = await t.service.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^siemstream_publish_duration_seconds_count \d+$/m);
    const paths = (await t.service.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/v1/events', '/metrics']));
    expect(paths['/v1/events'].post.requestBody.content).toHaveProperty('application/x-ndjson');
  });

  it('rejects events whose identity or routing fields could not be stored, keeping the others', async () => {
    // Too deep for JSON.stringify's recursion (JSON.parse copes), so written as text.
    const deep = JSON.stringify(authenticationEvent()).replace(/}$/, `,"org_id":"org-5","unmapped":${'['.repeat(20_000)}0${']'.repeat(20_000)}}`);
    const events = [
      login({ id: 'ok-edge' }),
      login({ id: 'nul\u0000uid' }),
      login({ id: 'x'.repeat(257) }),
      login({ org_id: 'o'.repeat(129) }),
      authenticationEvent({ class_uid: 99_999_999_999, category_uid: 99_999_999, type_uid: 9_999_999_999_901 }),
    ].map((e) => JSON.stringify(e));
    events.splice(4, 0, deep);
    const res = await post(`[${events.join(',')}]`, { token: platformToken });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.rejected.map((r: { index: number; error: string }) => [r.index, r.error.split(':')[0]])).toEqual([
      [0, 'org_id'],
      [1, 'metadata.uid'],
      [2, 'metadata.uid'],
      [3, 'org_id'],
      [4, 'event'],
      [5, 'org_id'],
    ]);
    const ok = await post([login({ id: 'big-class' }), authenticationEvent({ class_uid: 99_999_999_999, category_uid: 99_999_999, type_uid: 9_999_999_999_901 })]);
    expect(ok.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
  });

  it('never answers 5xx for arbitrary JSON bodies', async () => {
    const event = fc.oneof(
      fc.jsonValue(),
      fc.record({ type: fc.constantFrom('user.login', 'threat.detected', 'api.request', 'x'), org_id: fc.option(fc.string({ unit: 'binary', maxLength: 300 })), id: fc.option(fc.string({ unit: 'binary', maxLength: 300 })), user: fc.jsonValue() }, { requiredKeys: [] }),
      fc.record({ class_uid: fc.constantFrom(3002, 2004, 99_999_999_999), category_uid: fc.integer(), activity_id: fc.integer(), type_uid: fc.integer(), severity_id: fc.integer({ min: 0, max: 7 }), time: fc.integer(), metadata: fc.jsonValue(), org_id: fc.jsonValue() }, { requiredKeys: [] }),
    );
    const body = fc.oneof(
      fc.array(event, { maxLength: 8 }).map((a) => ({ text: JSON.stringify(a), contentType: 'application/json' })),
      fc.jsonValue().map((v) => ({ text: JSON.stringify(v), contentType: 'application/json' })),
      fc.array(fc.oneof(event.map((e) => JSON.stringify(e)), fc.string({ unit: 'binary' })), { maxLength: 8 }).map((lines) => ({ text: lines.join('\n'), contentType: 'application/x-ndjson' })),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async ({ text, contentType }, platform) => {
        const res = await post(text, { contentType, token: platform ? platformToken : orgToken });
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
