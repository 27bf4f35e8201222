import { afterEach, describe, expect, it } from 'vitest';
import { rotateKeys } from '../../src/cli/keys-rotate.ts';
import { SecretBox, parseEncryptionKeys } from '../../src/security/secret-box.ts';
import { siemConfigRepo } from '../../src/store/repos/siem-configs.ts';
import { storeBackends } from '../helpers/stores.ts';
import { TEST_KEYS, startTestService, type TestService } from '../helpers/service.ts';

const K2 = `k2:${Buffer.alloc(32, 9).toString('base64')}`;

describe.each(storeBackends)('keys rotate on $name', (backend) => {
  let t: TestService | undefined;
  afterEach(async () => t?.dispose());

  it('re-encrypts every secret under the new first key while the API keeps working', async () => {
    t = await startTestService(backend);
    const headers = { authorization: `Bearer ${await t.token()}` };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.service.app.inject({
        method: 'POST',
        url: '/v1/org/siem-configs',
        headers,
        payload: { connector_type: 'http', config: { url: 'https://c.example.com/x', api_key: `key-${i}-0123456789`, hmac_secret: `hmac-${i}-abcdef0123456789` } },
      });
      ids.push(res.json().id);
    }
    const repo = siemConfigRepo(t.service.store.db);
    expect(String((await repo.getById(ids[0]))!.config.api_key)).toMatch(/^enc:v2:k1:/);

    // The operator restarts with k2 first (both decrypt), then rotates.
    const box = new SecretBox(parseEncryptionKeys(`${K2},${TEST_KEYS}`));
    const report = await rotateKeys(t.service.store, box);
    expect(report).toMatchObject({ examined: 3, rotated: 3 });
    for (const [i, id] of ids.entries()) {
      const stored = (await repo.getById(id))!.config;
      expect(String(stored.api_key)).toMatch(/^enc:v2:k2:/);
      expect(String(stored.hmac_secret)).toMatch(/^enc:v2:k2:/);
      expect(box.decrypt(String(stored.api_key), `${id}:api_key`)).toBe(`key-${i}-0123456789`);
    }
    expect((await rotateKeys(t.service.store, box)).rotated).toBe(0);
    // A k2-only keyring now reads everything.
    const k2Only = new SecretBox(parseEncryptionKeys(K2));
    expect(k2Only.decrypt(String((await repo.getById(ids[2]))!.config.hmac_secret), `${ids[2]}:hmac_secret`)).toBe("hmac-2-abcdef0123456789");
  });
});
