/** The CLI as a user runs it: real processes. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/security/jwt.ts';
import { tempDir } from '../helpers/stores.ts';

const root = join(import.meta.dirname, '..', '..');
const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [join(root, 'bin', 'siemstream.js'), ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });

describe('siemstream CLI', () => {
  const dataDir = tempDir();
  const env = { SIEM_DATA_DIR: dataDir, LOG_LEVEL: 'warn', SIEM_JWT_SECRET: '', SIEM_ENCRYPTION_KEYS: '', DATABASE_URL: '' };

  it('token mints a JWT the service accepts, with dev keys created 0600', async () => {
    const r = cli(['token', '--org-id', 'o-1', '--org-slug', 'acme-corp', '--role', 'admin'], env);
    expect(r.status, r.stderr).toBe(0);
    const token = r.stdout.trim();
    const secret = (await import('node:fs')).readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
    const id = await createTokenVerifier({ secret }).verify(token);
    expect(id).toMatchObject({ orgId: 'o-1', orgSlug: 'acme-corp', role: 'admin' });
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'encryption-keys')).mode & 0o777).toBe(0o600);
  });

  it('rejects bad arguments with usage and exit 2', () => {
    expect(cli(['token', '--role', 'admin'], env).status).toBe(2);
    expect(cli(['token', '--org-id', 'o', '--org-slug', 's', '--role', 'king'], env).status).toBe(2);
    expect(cli(['frobnicate'], env).status).toBe(2);
    expect(cli(['serve'], { ...env, PORT: 'eighty' }).stderr).toMatch(/PORT/);
  });

  it('migrate applies migrations once', () => {
    const first = cli(['migrate'], env);
    expect(first.status, first.stderr).toBe(0);
    expect(existsSync(join(dataDir, 'siemstream.db'))).toBe(true);
    expect(cli(['migrate'], env).stdout).toMatch(/up to date/);
  });
});

describe('npm start', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

  it('serves on the configured port, warns about development keys, and exits 0 on SIGTERM', async () => {
    const dataDir = tempDir();
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const child = spawn(process.execPath, [join(root, 'bin', 'siemstream.js'), 'serve'], {
      cwd: root,
      env: { ...process.env, SIEM_DATA_DIR: dataDir, PORT: port, LOG_LEVEL: 'info', SIEM_JWT_SECRET: '', SIEM_ENCRYPTION_KEYS: '', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const deadline = Date.now() + 20_000;
    let healthy = false;
    while (Date.now() < deadline && !healthy) {
      await new Promise((r) => setTimeout(r, 200));
      healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    }
    expect(healthy, out).toBe(true);
    expect(out).toMatch(/DEVELOPMENT KEYS IN USE/);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
