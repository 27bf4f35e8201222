/**
 * Changing where a config sends its secrets requires them again, on both surfaces and whether secrets are
 * revealed or masked: a stored secret is kept (omitted, or sent back masked) only while the destination stays the
 * same, a masked placeholder is never stored as a secret, null removes one, and a test after a refused change
 * still goes to the old host with the old secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../connectors/shared/loopback-server.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { storeBackends } from '../helpers/stores.ts';

const TOKEN = '5f1c7a3e-2b4d-4e6f-8a9b-0c1d2e3f4a5b';
const TOKEN2 = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
const SUMO_TOKEN = 'ZaVnC4dhaV2bXfjqHvKDhHsQ0UMmHc8wMf4hxSyFsUq';

/** Answers 200 in a form every connector here takes as success (Splunk code 0, Datadog's validate). */
const okReceiver = () =>
  startLoopbackServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"text":"Success","code":0,"valid":true}');
  });

const cases = storeBackends.flatMap((backend) => [true, false].map((reveal) => ({ backend, reveal, name: `${backend.name}, SIEM_REVEAL_SECRETS=${reveal}` })));

describe.each(cases)('secret re-entry on $name', ({ backend, reveal }) => {
  let t: TestService;
  let old: LoopbackServer;
  let evil: LoopbackServer;
  let token: string;

  beforeAll(async () => {
    [old, evil] = await Promise.all([okReceiver(), okReceiver()]);
    t = await startTestService(backend, { settings: { revealSecrets: reveal, testRateLimitPerMinute: 1000 } });
    token = await t.token();
  });
  afterAll(async () => {
    await t?.dispose();
    await Promise.all([old?.close(), evil?.close()]);
  });

  const call = async (method: string, url: string, payload?: unknown) => {
    const res = await t.service.app.inject({ method: method as never, url, headers: { authorization: `Bearer ${token}` }, payload: payload as never });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };
  const oldUrl = () => `http://127.0.0.1:${old.port}`;
  const evilUrl = () => `http://127.0.0.1:${evil.port}`;
  /** The Authorization headers each receiver got from now on. */
  const watch = () => {
    const [o, e] = [old.requests.length, evil.requests.length];
    return {
      old: () => old.requests.slice(o).map((r) => r.headers.authorization),
      evil: () => evil.requests.slice(e).map((r) => r.headers.authorization),
    };
  };

  describe('AuthOS surface', () => {
    const base = '/api/organizations/acme-corp/siem-configs';
    const createSplunk = async () => {
      const res = await call('POST', base, { name: 'Splunk', provider_type: 'Splunk', endpoint_url: oldUrl(), api_key: TOKEN });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };

    it('refuses a new endpoint_url without api_key (422 naming api_key); a test still goes to the old host', async () => {
      const id = await createSplunk();
      const refused = await call('PUT', `${base}/${id}`, { endpoint_url: evilUrl() });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('SIEM_ERR_VALIDATION');
      expect(refused.body.error.details).toEqual([{ loc: ['body', 'api_key'], msg: expect.stringMatching(/^Must be given again when endpoint_url changes/), type: 'secret_required' }]);
      expect((await call('GET', `${base}/${id}`)).body.endpoint_url).toBe(oldUrl());

      const seen = watch();
      const tested = await call('POST', `${base}/${id}/test`);
      expect(tested.body.success).toBe(true);
      expect(seen.old()).toEqual([`Splunk ${TOKEN}`]);
      expect(seen.evil()).toEqual([]);
    });

    it('accepts a new endpoint_url with the api_key given again, and keeps the key while only other fields change', async () => {
      const id = await createSplunk();
      expect((await call('PUT', `${base}/${id}`, { name: 'Renamed', batch_size: 50 })).status).toBe(200);
      // The same endpoint spelled again is no change of destination.
      expect((await call('PUT', `${base}/${id}`, { endpoint_url: oldUrl() })).status).toBe(200);
      let seen = watch();
      await call('POST', `${base}/${id}/test`);
      expect(seen.old()).toEqual([`Splunk ${TOKEN}`]);

      const moved = await call('PUT', `${base}/${id}`, { endpoint_url: evilUrl(), api_key: TOKEN2 });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      seen = watch();
      await call('POST', `${base}/${id}/test`);
      expect(seen.evil()).toEqual([`Splunk ${TOKEN2}`]);
      expect(seen.old()).toEqual([]);
    });

    it('Custom: every stored secret must come again (auth_header too), not only the one given', async () => {
      const created = await call('POST', base, { name: 'Custom', provider_type: 'Custom', endpoint_url: `${oldUrl()}/in`, auth_header: 'X-Api-Key: header-secret-0123456789' });
      expect(created.status).toBe(201);
      const id = created.body.id;
      const refused = await call('PUT', `${base}/${id}`, { endpoint_url: `${evilUrl()}/in`, api_key: 'new-api-key-0123456789' });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details.map((d: { loc: string[] }) => d.loc)).toEqual([['body', 'auth_header']]);
      const both = await call('PUT', `${base}/${id}`, { endpoint_url: `${evilUrl()}/in`, api_key: null, auth_header: 'X-Api-Key: header-secret-new-0000' });
      expect(both.status, JSON.stringify(both.body)).toBe(200);
      const seen = watch();
      await call('POST', `${base}/${id}/test`);
      expect(evil.requests.at(-1)!.headers['x-api-key']).toBe('header-secret-new-0000');
      expect(seen.old()).toEqual([]);
    });
  });

  describe('Arbitex surface', () => {
    const base = '/v1/org/siem-configs';
    const createSplunk = async () => {
      const res = await call('POST', base, { connector_type: 'splunk_hec', config: { url: oldUrl(), token: TOKEN, index: 'main' } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const shownToken = async (id: string) => (await call('GET', `${base}/${id}`)).body.config.token as string;

    it(`shows the token ${reveal ? 'in plaintext' : 'masked'}; a new url without it is refused, and a test still goes to the old host`, async () => {
      const id = await createSplunk();
      expect(await shownToken(id)).toBe(reveal ? TOKEN : `****${TOKEN.slice(-4)}`);
      const refused = await call('PUT', `${base}/${id}`, { config: { url: evilUrl(), index: 'main' } });
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toEqual([
        { loc: ['body', 'config', 'token'], msg: expect.stringMatching(/^Must be given again when the destination changes \(url changed\)/), type: 'secret_required' },
      ]);
      if (!reveal) {
        // The masked value as shown is "keep the stored one": refused with a new url too.
        const masked = await call('PUT', `${base}/${id}`, { config: { url: evilUrl(), token: await shownToken(id), index: 'main' } });
        expect(masked.status).toBe(422);
        expect(masked.body.detail[0]).toMatchObject({ loc: ['body', 'config', 'token'], type: 'secret_required' });
      }
      // verify_ssl decides who can receive the token too.
      const unverified = await call('PUT', `${base}/${id}`, { config: { url: oldUrl(), index: 'main', verify_ssl: false } });
      expect(unverified.status).toBe(422);
      expect(unverified.body.detail[0].msg).toContain('verify_ssl changed');

      const seen = watch();
      expect((await call('POST', `${base}/${id}/test`)).body).toMatchObject({ success: true, events_sent: 1 });
      expect(seen.old()).toEqual([`Splunk ${TOKEN}`]);
      expect(seen.evil()).toEqual([]);
      expect((await call('GET', `${base}/${id}`)).body.config.url).toBe(oldUrl());
    });

    it('keeps the stored token when it is omitted or sent back as shown while the url stays; never stores a placeholder', async () => {
      const id = await createSplunk();
      const asShown = await call('PUT', `${base}/${id}`, { config: { url: oldUrl(), token: await shownToken(id), index: 'other' } });
      expect(asShown.status, JSON.stringify(asShown.body)).toBe(200);
      expect(asShown.body.config.index).toBe('other');
      const omitted = await call('PUT', `${base}/${id}`, { config: { url: oldUrl(), index: 'third' } });
      expect(omitted.status, JSON.stringify(omitted.body)).toBe(200);
      expect(omitted.body.config.token).toBe(reveal ? TOKEN : `****${TOKEN.slice(-4)}`);

      const wrongPlaceholder = await call('PUT', `${base}/${id}`, { config: { url: oldUrl(), token: '****zzzz' } });
      expect(wrongPlaceholder.status).toBe(422);
      expect(wrongPlaceholder.body.detail[0]).toMatchObject({ loc: ['body', 'config', 'token'], type: 'value_error' });
      const onCreate = await call('POST', base, { connector_type: 'splunk_hec', config: { url: oldUrl(), token: '****' } });
      expect(onCreate.status).toBe(422);
      expect(onCreate.body.detail[0]).toMatchObject({ loc: ['body', 'config', 'token'] });

      const seen = watch();
      await call('POST', `${base}/${id}/test`);
      expect(seen.old()).toEqual([`Splunk ${TOKEN}`]);
    });

    it('accepts a new url with the token given (in plaintext) in the same request', async () => {
      const id = await createSplunk();
      const moved = await call('PUT', `${base}/${id}`, { config: { url: evilUrl(), token: TOKEN2 } });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      const seen = watch();
      await call('POST', `${base}/${id}/test`);
      expect(seen.evil()).toEqual([`Splunk ${TOKEN2}`]);
    });

    it('null removes an optional secret; a kept one that clashes with the new config says it was kept', async () => {
      const http = await call('POST', base, { connector_type: 'http', config: { url: `${oldUrl()}/h`, api_key: 'http-api-key-0123456789' } });
      const removed = await call('PUT', `${base}/${http.body.id}`, { config: { url: `${oldUrl()}/h`, api_key: null } });
      expect(removed.status, JSON.stringify(removed.body)).toBe(200);
      expect(removed.body.config).toEqual({ url: `${oldUrl()}/h` });

      const es = await call('POST', base, { connector_type: 'elastic', config: { host: oldUrl(), username: 'elastic', password: 'es-password-0123' } });
      expect(es.status).toBe(201);
      const apiKey = Buffer.from('key-id:key-secret-value').toString('base64');
      const clash = await call('PUT', `${base}/${es.body.id}`, { config: { host: oldUrl(), api_key: apiKey } });
      expect(clash.status).toBe(422);
      expect(clash.body.detail.map((d: { msg: string }) => d.msg).join(' | ')).toContain('password was kept from the stored config because omitted; send null to remove');
      const switched = await call('PUT', `${base}/${es.body.id}`, { config: { host: oldUrl(), api_key: apiKey, password: null } });
      expect(switched.status, JSON.stringify(switched.body)).toBe(200);
      expect(Object.keys(switched.body.config).sort()).toEqual(['api_key', 'host']);
    });

    it('Sumo Logic: the url is the secret; kept when omitted or masked, and a new one is simply given', async () => {
      const sumoUrl = `${oldUrl()}/receiver/v1/http/${SUMO_TOKEN}`;
      const created = await call('POST', base, { connector_type: 'sumo_logic', config: { url: sumoUrl } });
      expect(created.status).toBe(201);
      const id = created.body.id;
      const shown = created.body.config.url;
      expect(shown).toBe(reveal ? sumoUrl : `****${SUMO_TOKEN.slice(-4)}`);
      expect((await call('PUT', `${base}/${id}`, { config: { url: shown, category: 'a' } })).status).toBe(200);
      expect((await call('PUT', `${base}/${id}`, { config: { category: 'b' } })).status).toBe(200);
      let seen = old.requests.length;
      await call('POST', `${base}/${id}/test`);
      expect(old.requests.slice(seen).map((r) => r.url)).toEqual([`/receiver/v1/http/${SUMO_TOKEN}`]);

      const moved = await call('PUT', `${base}/${id}`, { config: { url: `${evilUrl()}/receiver/v1/http/other-token-0000` } });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      seen = evil.requests.length;
      await call('POST', `${base}/${id}/test`);
      expect(evil.requests.slice(seen).map((r) => r.url)).toEqual(['/receiver/v1/http/other-token-0000']);
    });

    if (reveal) {
      it('with secrets revealed, the shown token given back with a new url counts as given (the admin can read it anyway)', async () => {
        const id = await createSplunk();
        expect((await call('PUT', `${base}/${id}`, { config: { url: evilUrl(), token: await shownToken(id) } })).status).toBe(200);
      });
    }
  });
});
