/**
 * Encryption at rest for connector secrets: AES-256-GCM under a keyring (SIEM_ENCRYPTION_KEYS).
 *
 * Ciphertext format (one ASCII string, safe to store in any text column):
 *
 *   enc:v2:<kid>:<iv>:<tag>:<ct>
 *
 * - `kid`  id of the key that encrypted it (1–32 chars of [A-Za-z0-9_-]); the first key of the ring encrypts,
 *          every key decrypts, so keys can be rotated by prepending a new one and re-encrypting.
 * - `iv`   12 random bytes, `tag` the 16-byte GCM tag, `ct` the ciphertext; all base64url without padding.
 * - The GCM additional data is `enc:v2:<kid>` + NUL + the caller's `aad`. Callers pass a context such as
 *   `<config id>:<field name>` so a ciphertext copied into another row or field fails to decrypt.
 *
 * `enc:v2` marks values written since every value given for a secret field is encrypted, whatever it looks like
 * (src/siem-configs/secrets.ts): what is ciphertext is known from where it is stored, never guessed from its text.
 * `enc:v1` values (same layout and additional data with `v1`) were written when text that looked like a
 * ciphertext was stored as given; they still decrypt, and `keys rotate` rewrites them as `enc:v2`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface EncryptionKey {
  kid: string;
  key: Buffer;
}

export type SecretBoxErrorReason = 'invalid_keys' | 'malformed' | 'unknown_kid' | 'auth_failed';

/** Never carries key material or plaintext; `kid` is an identifier, not a secret. */
export class SecretBoxError extends Error {
  constructor(
    readonly reason: SecretBoxErrorReason,
    message: string,
    readonly kid?: string,
  ) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const VERSION = 'v2';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+={0,2})$/;
// 12-byte IV → 16 chars, 16-byte tag → 22 chars (base64url, unpadded).
const LONE_SURROGATE = /\p{Surrogate}/u;
const CIPHERTEXT = /^enc:(v[12]):([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]*)$/;

/** Parses `kid1:BASE64KEY,kid2:BASE64KEY`. Errors name the entry and kid, never the key. */
export function parseEncryptionKeys(value: string): EncryptionKey[] {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length === 0) throw new SecretBoxError('invalid_keys', 'no encryption keys given');
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new SecretBoxError('invalid_keys', `encryption key #${index + 1}: expected "kid:BASE64KEY"`);
    const kid = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KID.test(kid)) {
      throw new SecretBoxError('invalid_keys', `encryption key #${index + 1}: kid must be 1-32 characters of A-Z a-z 0-9 _ -`);
    }
    if (!BASE64.test(encoded)) {
      throw new SecretBoxError('invalid_keys', `encryption key "${kid}": key is not valid base64`, kid);
    }
    const key = Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64');
    if (key.length !== KEY_BYTES) {
      throw new SecretBoxError('invalid_keys', `encryption key "${kid}": key must be ${KEY_BYTES} bytes, got ${key.length}`, kid);
    }
    return { kid, key };
  });
  assertUniqueKids(keys);
  return keys;
}

/** A fresh `kid:BASE64KEY` entry for SIEM_ENCRYPTION_KEYS. */
export function generateEncryptionKeyEntry(kid: string): string {
  if (!KID.test(kid)) throw new SecretBoxError('invalid_keys', 'kid must be 1-32 characters of A-Z a-z 0-9 _ -');
  return `${kid}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * Whether text has the shape of one of our envelopes. Diagnostics only: never used to decide whether a stored
 * value is encrypted (a user can type text of this shape).
 */
export function isCiphertext(value: unknown): boolean {
  return typeof value === 'string' && CIPHERTEXT.test(value);
}

export class SecretBox {
  readonly #keys: Map<string, Buffer>;
  readonly #current: string;

  /** `keys[0]` encrypts; all decrypt. */
  constructor(keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new SecretBoxError('invalid_keys', 'at least one encryption key is required');
    assertUniqueKids(keys);
    for (const { kid, key } of keys) {
      if (!KID.test(kid)) throw new SecretBoxError('invalid_keys', 'kid must be 1-32 characters of A-Z a-z 0-9 _ -');
      if (key.length !== KEY_BYTES) throw new SecretBoxError('invalid_keys', `encryption key "${kid}" must be ${KEY_BYTES} bytes`, kid);
    }
    // Private copies: later mutation of the caller's buffers must not change what we encrypt with.
    this.#keys = new Map(keys.map(({ kid, key }) => [kid, Buffer.from(key)]));
    this.#current = keys[0].kid;
  }

  get currentKid(): string {
    return this.#current;
  }

  encrypt(plaintext: string, aad = ''): string {
    // UTF-8 would silently turn a lone surrogate into U+FFFD: refuse rather than store a different secret.
    if (LONE_SURROGATE.test(plaintext) || LONE_SURROGATE.test(aad)) {
      throw new SecretBoxError('malformed', 'value to encrypt is not well-formed Unicode');
    }
    const kid = this.#current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(kid)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(VERSION, kid, aad));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `enc:${VERSION}:${kid}:${iv.toString('base64url')}:${tag.toString('base64url')}:${ct.toString('base64url')}`;
  }

  /** Decrypts an `enc:v2` (or legacy `enc:v1`) ciphertext; SecretBoxError when it cannot. */
  decrypt(ciphertext: string, aad = ''): string {
    const match = typeof ciphertext === 'string' ? CIPHERTEXT.exec(ciphertext) : null;
    if (!match) throw new SecretBoxError('malformed', 'value is not an enc:v2 (or enc:v1) ciphertext');
    const [, version, kid, iv, tag, ct] = match;
    const key = this.#keys.get(kid);
    if (!key) throw new SecretBoxError('unknown_kid', `no encryption key with kid "${kid}" is configured`, kid);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(version, kid, aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const out = decipher.update(Buffer.from(ct, 'base64url'));
    try {
      return Buffer.concat([out, decipher.final()]).toString('utf8');
    } catch {
      // Zero the unauthenticated output before dropping it.
      out.fill(0);
      throw new SecretBoxError('auth_failed', 'secret could not be decrypted: tampered ciphertext or wrong context', kid);
    }
  }

  /** True when `ciphertext` is in the current format under the current key (false for anything else). */
  isCurrent(ciphertext: string): boolean {
    const match = typeof ciphertext === 'string' ? CIPHERTEXT.exec(ciphertext) : null;
    return match !== null && match[1] === VERSION && match[2] === this.#current;
  }
}

function additionalData(version: string, kid: string, aad: string): Buffer {
  return Buffer.from(`enc:${version}:${kid}\u0000${aad}`, 'utf8');
}

function assertUniqueKids(keys: readonly EncryptionKey[]): void {
  const seen = new Set<string>();
  for (const { kid } of keys) {
    if (seen.has(kid)) throw new SecretBoxError('invalid_keys', `duplicate encryption key id "${kid}"`, kid);
    seen.add(kid);
  }
}
