import { afterEach, describe, expect, it } from 'vitest';
import { createSiemstream, type Siemstream } from '../src/index.ts';
import { TEST_KEYS, TEST_JWT_SECRET } from './helpers/service.ts';
import { tempDir } from './helpers/stores.ts';
import { rmSync } from 'node:fs';

describe('library API', () => {
  let siem: Siemstream | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await siem?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes durably with the default org, lets events name theirs, reports invalid ones, and closes', async () => {
    dir = tempDir();
    siem = await createSiemstream({ dataDir: dir, settings: { encryptionKeys: TEST_KEYS, jwtSecret: TEST_JWT_SECRET, logLevel: 'silent', role: 'api' } });
    const login = (id: string, extra: object = {}) => ({ type: 'user.login', id, user: { user_id: 'u-1' }, ...extra });
    const result = await siem.publish([login('lib-1'), login('lib-2', { org_id: 'org-b' }), { type: 'nope' }], { orgId: 'org-a' });
    expect(result).toMatchObject({ accepted: 2, duplicates: 0, rejected: [{ index: 2 }] });
    expect(await siem.publish([login('lib-3')])).toMatchObject({ accepted: 0, rejected: [{ index: 0, error: expect.stringMatching(/^org_id: required/) }] });
    const rows = await siem.service.ctx.eventLog.read({ afterSeq: 0, limit: 10 });
    expect(rows.map((r) => [r.uid, r.orgId])).toEqual([['lib-1', 'org-a'], ['lib-2', 'org-b']]);
    expect((await siem.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('registers and unregisters global connectors, listed by the admin API', async () => {
    dir = tempDir();
    siem = await createSiemstream({ dataDir: dir, settings: { encryptionKeys: TEST_KEYS, jwtSecret: TEST_JWT_SECRET, logLevel: 'silent', role: 'api' } });
    siem.register({
      connector_id: 'splunk-primary',
      display_name: 'Splunk HEC (Primary)',
      connector_type: 'splunk_hec',
      config: { url: 'https://splunk.example.com:8088', token: 'secret-token-0123456789', index: 'audit' },
    });
    expect(() => siem!.register({ connector_id: 'bad', display_name: 'Bad', connector_type: 'splunk_hec', config: { url: 'https://x.example.com' } })).toThrow(/token/);
    const { mintToken } = await import('../src/security/jwt.ts');
    const token = await mintToken({ secret: TEST_JWT_SECRET, platformAdmin: true });
    const res = await siem.app.inject({ method: 'GET', url: '/api/admin/siem/connectors', headers: { authorization: `Bearer ${token}` } });
    expect(res.json()).toEqual({
      connectors: [
        {
          connector_id: 'splunk-primary',
          display_name: 'Splunk HEC (Primary)',
          status: expect.any(String),
          connector_type: 'SplunkHECConnector',
          config_summary: expect.objectContaining({ url: 'https://splunk.example.com:8088', index: 'audit' }),
          failure_count: 0,
          last_error: null,
          last_delivery_at: null,
          last_successful_batch_at: null,
          last_test_at: null,
          last_test_result: null,
        },
      ],
      total: 1,
    });
    expect(res.body).not.toContain('secret-token-0123456789');
    expect(siem.unregister('splunk-primary')).toBe(true);
    expect(siem.unregister('splunk-primary')).toBe(false);
  });
});
