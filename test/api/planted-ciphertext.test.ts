/**
 * Text that looks like our own ciphertext is a secret like any other: encrypted as given, returned as given. A
 * stored secret that does not decrypt (altered row, removed key) makes only that field unavailable: listings,
 * gets and updates of the organisation keep working on both surfaces, the config says what is wrong, a test is a
 * 422 naming the field, delivery reports not_configured, and `keys rotate` re-encrypts everything else and lists
 * what it could not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_SOME_SECRETS_UNREADABLE, keysRotateCommand, rotateKeys } from '../../src/cli/keys-rotate.ts';
import { loadSettings } from '../../src/config/env.ts';
import { SecretBox, parseEncryptionKeys } from '../../src/security/secret-box.ts';
import { siemConfigRepo } from '../../src/store/repos/siem-configs.ts';
import { startLoopbackServer, type LoopbackServer } from '../connectors/shared/loopback-server.ts';
import { FAST_DELIVERY, eventually } from '../pipeline/delivery/harness.ts';
import { TEST_KEYS, startTestService, type TestService } from '../helpers/service.ts';
import { storeBackends } from '../helpers/stores.ts';

const PLANTED_V1 = 'enc:v1:k1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:AAAA';
const PLANTED_V2 = 'enc:v2:k1:BBBBBBBBBBBBBBBB:BBBBBBBBBBBBBBBBBBBBBB:BBBB';
const K2 = `k2:${Buffer.alloc(32, 9).toString('base64')}`;
const UNAVAILABLE = /^config\.token: the stored secret cannot be decrypted \(the ciphertext was altered, or copied from another config or field\); give it again$/;

describe.each(storeBackends)('planted and corrupted ciphertexts on $name', (backend) => {
  let t: TestService;
  let receiver: LoopbackServer;
  let token: string;

  beforeAll(async () => {
    receiver = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"text":"Success","code":0}');
    });
    t = await startTestService(backend, { settings: { testRateLimitPerMinute: 1000 }, service: { delivery: { options: FAST_DELIVERY } } });
    token = await t.token();
  });
  afterAll(async () => {
    await t?.dispose();
    await receiver?.close();
  });

  const call = async (method: string, url: string, payload?: unknown) => {
    const res = await t.service.app.inject({ method: method as never, url, headers: { authorization: `Bearer ${token}` }, payload: payload as never });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };
  const url = () => `http://127.0.0.1:${receiver.port}`;
  const repo = () => siemConfigRepo(t.service.store.db);

  it('a value shaped like our ciphertext is encrypted as given and comes back as given, on both surfaces', async () => {
    const arbitex = await call('POST', '/v1/org/siem-configs', { connector_type: 'splunk_hec', config: { url: url(), token: PLANTED_V1 } });
    expect(arbitex.status, JSON.stringify(arbitex.body)).toBe(201);
    expect(arbitex.body.config.token).toBe(PLANTED_V1);
    const authos = await call('POST', '/api/organizations/acme-corp/siem-configs', { name: 'planted', provider_type: 'Splunk', endpoint_url: url(), api_key: PLANTED_V2 });
    expect(authos.status, JSON.stringify(authos.body)).toBe(201);

    for (const [id, planted] of [[arbitex.body.id, PLANTED_V1], [authos.body.id, PLANTED_V2]] as const) {
      const stored = String((await repo().getById(id))!.config.token);
      expect(stored).toMatch(/^enc:v2:k1:/);
      expect(stored).not.toBe(planted);
      expect((await call('GET', `/v1/org/siem-configs/${id}`)).body).toMatchObject({ config: { token: planted }, warnings: [] });
      const before = receiver.requests.length;
      expect((await call('POST', `/v1/org/siem-configs/${id}/test`)).body.success).toBe(true);
      expect(receiver.requests.slice(before).map((r) => r.headers.authorization)).toEqual([`Splunk ${planted}`]);
    }
    expect((await call('GET', '/v1/org/siem-configs')).status).toBe(200);
    expect((await call('GET', '/api/organizations/acme-corp/siem-configs')).status).toBe(200);
  });

  it('a corrupted stored ciphertext makes only that field unavailable: list, get, update, test, delivery and rotate behave', async () => {
    const good = await call('POST', '/v1/org/siem-configs', { connector_type: 'splunk_hec', config: { url: url(), token: 'good-token-0123456789' } });
    const broken = await call('POST', '/v1/org/siem-configs', { connector_type: 'splunk_hec', config: { url: url(), token: 'soon-broken-0123456789', index: 'main' } });
    const id = broken.body.id as string;
    // Alter the stored ciphertext in the database, as a bad restore or a hand edit would.
    const stored = (await repo().getById(id))!.config;
    const parts = String(stored.token).split(':');
    parts[5] = parts[5].startsWith('A') ? `B${parts[5].slice(1)}` : `A${parts[5].slice(1)}`;
    await repo().update('org-1', id, { config: { ...stored, token: parts.join(':') } }, Date.now());
    t.service.ctx.configs.changes.emit('change', { kind: 'updated', id, orgId: 'org-1' });

    const list = await call('GET', '/v1/org/siem-configs');
    expect(list.status).toBe(200);
    const listed = list.body.find((c: { id: string }) => c.id === id);
    expect(listed.config).toEqual({ url: url(), index: 'main' });
    expect(listed.warnings).toEqual([expect.stringMatching(UNAVAILABLE)]);
    expect(list.body.find((c: { id: string }) => c.id === good.body.id).config.token).toBe('good-token-0123456789');
    expect((await call('GET', '/api/organizations/acme-corp/siem-configs')).status).toBe(200);
    expect((await call('GET', `/api/organizations/acme-corp/siem-configs/${id}`)).body.endpoint_url).toBe(url());

    const arbitexTest = await call('POST', `/v1/org/siem-configs/${id}/test`);
    expect(arbitexTest.status).toBe(422);
    expect(arbitexTest.body.detail).toEqual([{ loc: ['config', 'token'], msg: expect.stringContaining('the stored secret cannot be decrypted'), type: 'secret_unavailable' }]);
    const authosTest = await call('POST', `/api/organizations/acme-corp/siem-configs/${id}/test`);
    expect(authosTest.status).toBe(422);
    expect(authosTest.body.error.message).toMatch(/^Connector cannot be instantiated: token: the stored secret cannot be decrypted/);

    // Delivery: the worker says what is wrong instead of failing.
    await eventually(async () => (await call('GET', `/v1/org/siem-configs/${id}`)).body.delivery_status === 'not_configured', 'not_configured');
    expect((await call('GET', `/v1/org/siem-configs/${id}`)).body.last_error).toContain('token: the stored secret cannot be decrypted');

    // Updates of other fields work; keeping the unreadable token does not, giving a new one fixes the config.
    expect((await call('PUT', `/api/organizations/acme-corp/siem-configs/${id}`, { name: 'renamed' })).status).toBe(200);
    const keep = await call('PUT', `/v1/org/siem-configs/${id}`, { config: { url: url(), index: 'main' } });
    expect(keep.status).toBe(422);
    expect(keep.body.detail).toEqual([{ loc: ['body', 'config', 'token'], msg: expect.stringContaining('cannot be decrypted'), type: 'secret_unavailable' }]);

    // keys rotate: everything else is re-encrypted, the unreadable field is reported by config id and field.
    const box = new SecretBox(parseEncryptionKeys(`${K2},${TEST_KEYS}`));
    const report = await rotateKeys(t.service.store, box);
    expect(report.failed).toEqual([{ configId: id, field: 'token', reason: 'the ciphertext was altered, or copied from another config or field' }]);
    expect(String((await repo().getById(good.body.id))!.config.token)).toMatch(/^enc:v2:k2:/);
    if (backend.name === 'sqlite') {
      const lines: string[] = [];
      const original = console.error;
      console.error = (line: string) => lines.push(line);
      try {
        const settings = { ...loadSettings({}), databaseUrl: t.store.databaseUrl, dataDir: t.store.dataDir, encryptionKeys: `${K2},${TEST_KEYS}` };
        expect(await keysRotateCommand(settings)).toBe(EXIT_SOME_SECRETS_UNREADABLE);
      } finally {
        console.error = original;
      }
      expect(lines[0]).toBe(`config ${id} field token: not re-encrypted: the ciphertext was altered, or copied from another config or field`);
    }

    const fixed = await call('PUT', `/api/organizations/acme-corp/siem-configs/${id}`, { api_key: 'fixed-token-0123456789' });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect((await call('GET', `/v1/org/siem-configs/${id}`)).body).toMatchObject({ config: { token: 'fixed-token-0123456789' }, warnings: [] });
    expect((await rotateKeys(t.service.store, box)).failed).toEqual([]);
  });

  it('a secret under a key no longer configured is reported with that key id', async () => {
    const created = await call('POST', '/v1/org/siem-configs', { connector_type: 'datadog', config: { api_key: 'dd-key-0123456789abcdef' } });
    const stored = (await repo().getById(created.body.id))!.config;
    await repo().update('org-1', created.body.id, { config: { ...stored, api_key: String(stored.api_key).replace('enc:v2:k1:', 'enc:v2:gone:') } }, Date.now());
    const got = await call('GET', `/v1/org/siem-configs/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.warnings).toEqual(['config.api_key: the stored secret cannot be decrypted (encrypted under key "gone", which is not in SIEM_ENCRYPTION_KEYS); give it again']);
  });
});
