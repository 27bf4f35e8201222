/**
 * Development secrets for embedded mode: when no JWT secret / encryption keys are configured, the service keeps a
 * generated pair under its data dir so tokens and stored secrets survive restarts. Files are owner-only (0600) in
 * an owner-only dir (0700 when we create it). An existing file is never overwritten: replacing `encryption-keys`
 * would make every stored secret undecryptable.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, lstatSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEncryptionKeyEntry, parseEncryptionKeys } from './secret-box.ts';

export const JWT_SECRET_FILE = 'jwt-secret';
export const ENCRYPTION_KEYS_FILE = 'encryption-keys';
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export interface DevSecrets {
  jwtSecret: string;
  encryptionKeys: string;
  /** True when at least one file was generated now (the caller warns that development keys are in use). */
  created: boolean;
}

export function ensureDevSecrets(dataDir: string): DevSecrets {
  mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  const jwt = readOrCreate(join(dataDir, JWT_SECRET_FILE), () => randomBytes(32).toString('base64url'));
  const keys = readOrCreate(join(dataDir, ENCRYPTION_KEYS_FILE), () => generateEncryptionKeyEntry('dev1'));

  if (jwt.value.length < 32) throw new Error(`${join(dataDir, JWT_SECRET_FILE)} holds a secret shorter than 32 bytes`);
  try {
    parseEncryptionKeys(keys.value);
  } catch (err) {
    throw new Error(`${join(dataDir, ENCRYPTION_KEYS_FILE)} is invalid: ${(err as Error).message}`);
  }
  return { jwtSecret: jwt.value, encryptionKeys: keys.value, created: jwt.created || keys.created };
}

function readOrCreate(path: string, generate: () => string): { value: string; created: boolean } {
  const existing = readExisting(path);
  if (existing !== undefined) return { value: existing, created: false };

  // Write a private temp file, then hard-link it into place: the link fails if another process won the race,
  // so the final file is never seen half-written and never clobbered.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const value = generate();
  writeFileSync(tmp, `${value}\n`, { mode: FILE_MODE, flag: 'wx' });
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { value: readExisting(path)!, created: false };
  } finally {
    unlinkSync(tmp);
  }
  return { value, created: true };
}

function readExisting(path: string): string | undefined {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!stat.isFile()) throw new Error(`${path} is not a regular file`);
  // Tighten a file someone loosened (e.g. copied with a default umask); group/other must not read secrets.
  if ((stat.mode & 0o077) !== 0) chmodSync(path, FILE_MODE);
  const value = readFileSync(path, 'utf8').trim();
  if (value.length === 0) throw new Error(`${path} is empty; delete it to have a new one generated`);
  return value;
}
