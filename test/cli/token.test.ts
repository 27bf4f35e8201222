/** `siemstream token` as a user runs it: platform tokens, and lifetimes within SIEM_JWT_MAX_LIFETIME_SECONDS. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, publishesForAnyOrg } from '../../src/security/jwt.ts';
import { DEFAULT_JWT_MAX_LIFETIME_SEC } from '../../src/config/env.ts';
import { tempDir } from '../helpers/stores.ts';

const root = join(import.meta.dirname, '..', '..');
const dataDir = tempDir();
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(root, 'bin', 'siemstream.js'), 'token', ...args], {
    cwd: root,
    env: { ...process.env, SIEM_DATA_DIR: dataDir, LOG_LEVEL: 'warn', SIEM_JWT_SECRET: '', SIEM_ENCRYPTION_KEYS: '', DATABASE_URL: '', SIEM_JWT_MAX_LIFETIME_SECONDS: '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('siemstream token', () => {
  const verify = (token: string) => {
    const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
    return createTokenVerifier({ secret, maxLifetimeSec: DEFAULT_JWT_MAX_LIFETIME_SEC }).verify(token);
  };

  it('mints platform tokens without an organisation: --platform-admin, or --scope events:write:any-org', async () => {
    for (const args of [['--platform-admin', '--scope', 'events:write'], ['--scope', 'events:write:any-org']]) {
      const r = cli(args);
      expect(r.status, r.stderr).toBe(0);
      const id = await verify(r.stdout.trim());
      expect(id.orgId).toBeUndefined();
      expect(publishesForAnyOrg(id)).toBe(true);
    }
    const userWithoutOrg = cli(['--role', 'admin', '--scope', 'events:write']);
    expect(userWithoutOrg.status).toBe(2);
    expect(userWithoutOrg.stderr).toMatch(/--org-id and --org-slug are required \(or --platform-admin, or --scope "events:write:any-org"\)/);
  });

  it('defaults to one hour, within the default maximum; refuses a lifetime the service would refuse', async () => {
    const r = cli(['--org-id', 'o-1', '--org-slug', 'acme-corp', '--role', 'admin']);
    expect(r.status, r.stderr).toBe(0);
    const claims = decodeJwt(r.stdout.trim());
    expect(claims.exp! - claims.iat!).toBe(3600);
    await expect(verify(r.stdout.trim())).resolves.toMatchObject({ orgId: 'o-1' });

    const tooLong = cli(['--org-id', 'o-1', '--org-slug', 'acme-corp', '--expires-in', String(DEFAULT_JWT_MAX_LIFETIME_SEC + 1)]);
    expect(tooLong.status).toBe(2);
    expect(tooLong.stderr).toMatch(/longer than SIEM_JWT_MAX_LIFETIME_SECONDS \(86400\)/);
    expect(cli(['--org-id', 'o-1', '--org-slug', 'acme-corp', '--expires-in', '100000'], { SIEM_JWT_MAX_LIFETIME_SECONDS: '100000' }).status).toBe(0);
    expect(cli(['--org-id', 'o-1', '--org-slug', 'acme-corp', '--expires-in', '-5']).status).toBe(2);
    const badEnv = cli(['--org-id', 'o-1', '--org-slug', 'acme-corp'], { SIEM_JWT_MAX_LIFETIME_SECONDS: 'a day' });
    expect(badEnv.status).not.toBe(0);
    expect(badEnv.stderr).toMatch(/SIEM_JWT_MAX_LIFETIME_SECONDS/);
  });
});
