import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENCRYPTION_KEYS_FILE, JWT_SECRET_FILE, ensureDevSecrets } from '../../src/security/dev-keys.ts';
import { createTokenVerifier, mintToken } from '../../src/security/jwt.ts';
import { SecretBox, generateEncryptionKeyEntry, parseEncryptionKeys } from '../../src/security/secret-box.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('ensureDevSecrets', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'siemstream-dev-keys-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('creates a 0700 data dir and 0600 secret files on first start', () => {
    const dataDir = join(root, 'data', 'nested');
    const secrets = ensureDevSecrets(dataDir);

    expect(secrets.created).toBe(true);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, JWT_SECRET_FILE))).toBe(0o600);
    expect(mode(join(dataDir, ENCRYPTION_KEYS_FILE))).toBe(0o600);
    expect(readFileSync(join(dataDir, JWT_SECRET_FILE), 'utf8').trim()).toBe(secrets.jwtSecret);
    expect(readFileSync(join(dataDir, ENCRYPTION_KEYS_FILE), 'utf8').trim()).toBe(secrets.encryptionKeys);
    // No temp files left behind.
    expect(readdirSync(dataDir).sort()).toEqual([ENCRYPTION_KEYS_FILE, JWT_SECRET_FILE].sort());
  });

  it('generates values the verifier and the secret box accept', async () => {
    const { jwtSecret, encryptionKeys } = ensureDevSecrets(root);
    expect(jwtSecret.length).toBeGreaterThanOrEqual(32);
    const token = await mintToken({ secret: jwtSecret, sub: 'dev', role: 'owner' });
    await expect(createTokenVerifier({ secret: jwtSecret }).verify(token)).resolves.toMatchObject({ sub: 'dev', role: 'owner' });
    const box = new SecretBox(parseEncryptionKeys(encryptionKeys));
    expect(box.decrypt(box.encrypt('x', 'a'), 'a')).toBe('x');
  });

  it('reuses existing files on the next start', () => {
    const first = ensureDevSecrets(root);
    const second = ensureDevSecrets(root);
    expect(second).toEqual({ ...first, created: false });
  });

  it('generates a fresh pair per data dir', () => {
    const a = ensureDevSecrets(join(root, 'a'));
    const b = ensureDevSecrets(join(root, 'b'));
    expect(a.jwtSecret).not.toBe(b.jwtSecret);
    expect(a.encryptionKeys).not.toBe(b.encryptionKeys);
  });

  it('keeps an existing encryption key and only creates the missing JWT secret', () => {
    const keys = generateEncryptionKeyEntry('mine');
    writeFileSync(join(root, ENCRYPTION_KEYS_FILE), `${keys}\n`, { mode: 0o600 });
    const secrets = ensureDevSecrets(root);
    expect(secrets.created).toBe(true);
    expect(secrets.encryptionKeys).toBe(keys);
    expect(mode(join(root, JWT_SECRET_FILE))).toBe(0o600);
  });

  it('tightens a secret file that group or others can read', () => {
    ensureDevSecrets(root);
    chmodSync(join(root, JWT_SECRET_FILE), 0o644);
    ensureDevSecrets(root);
    expect(mode(join(root, JWT_SECRET_FILE))).toBe(0o600);
  });

  it('does not loosen or change an existing data dir', () => {
    mkdirSync(join(root, 'd'), { mode: 0o750 });
    chmodSync(join(root, 'd'), 0o750);
    ensureDevSecrets(join(root, 'd'));
    expect(mode(join(root, 'd'))).toBe(0o750);
  });

  it('refuses an empty or invalid key file instead of overwriting it', () => {
    writeFileSync(join(root, ENCRYPTION_KEYS_FILE), '\n', { mode: 0o600 });
    expect(() => ensureDevSecrets(root)).toThrow(/is empty/);
    writeFileSync(join(root, ENCRYPTION_KEYS_FILE), 'k1:tooshort\n', { mode: 0o600 });
    expect(() => ensureDevSecrets(root)).toThrow(/encryption-keys is invalid: .*32 bytes/);
    expect(readFileSync(join(root, ENCRYPTION_KEYS_FILE), 'utf8')).toBe('k1:tooshort\n');
  });

  it('refuses a JWT secret file that is too short', () => {
    writeFileSync(join(root, JWT_SECRET_FILE), 'short\n', { mode: 0o600 });
    expect(() => ensureDevSecrets(root)).toThrow(/shorter than 32 bytes/);
  });

  it('refuses a symlink in place of a secret file', () => {
    writeFileSync(join(root, 'elsewhere'), 'x'.repeat(40), { mode: 0o600 });
    symlinkSync(join(root, 'elsewhere'), join(root, JWT_SECRET_FILE));
    expect(() => ensureDevSecrets(root)).toThrow(/not a regular file/);
  });
});
