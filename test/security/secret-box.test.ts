import { createCipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SecretBox,
  SecretBoxError,
  generateEncryptionKeyEntry,
  isCiphertext,
  parseEncryptionKeys,
} from '../../src/security/secret-box.ts';

const key = () => randomBytes(32);
const k1 = { kid: 'k1', key: key() };
const k2 = { kid: 'k2', key: key() };

/** What the code before enc:v2 wrote: the same layout, `v1` in the prefix and the additional data. */
function legacyV1Encrypt(k: { kid: string; key: Buffer }, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k.key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`enc:v1:${k.kid}\u0000${aad}`, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `enc:v1:${k.kid}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
}

function secretBoxError(fn: () => unknown): SecretBoxError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SecretBoxError);
    return err as SecretBoxError;
  }
  return expect.unreachable('expected a SecretBoxError');
}

describe('SecretBox', () => {
  it('round-trips and produces the documented format', () => {
    const box = new SecretBox([k1]);
    const ct = box.encrypt('hec-token-123', 'cfg-1:token');
    expect(ct).toMatch(/^enc:v2:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(ct).not.toContain('hec-token-123');
    expect(box.decrypt(ct, 'cfg-1:token')).toBe('hec-token-123');
    expect(isCiphertext(ct)).toBe(true);
  });

  it('round-trips the empty string', () => {
    const box = new SecretBox([k1]);
    const ct = box.encrypt('');
    expect(isCiphertext(ct)).toBe(true);
    expect(box.decrypt(ct)).toBe('');
  });

  it('uses a fresh IV per encryption', () => {
    const box = new SecretBox([k1]);
    const a = box.encrypt('same');
    const b = box.encrypt('same');
    expect(a).not.toBe(b);
    expect(a.split(':')[3]).not.toBe(b.split(':')[3]);
  });

  it('supports rotation: the newest key encrypts, older keys still decrypt', () => {
    const old = new SecretBox([k1]);
    const ct = old.encrypt('s3cret', 'cfg-1:api_key');
    const rotated = new SecretBox([k2, k1]);
    expect(rotated.currentKid).toBe('k2');
    expect(rotated.isCurrent(ct)).toBe(false);
    expect(rotated.decrypt(ct, 'cfg-1:api_key')).toBe('s3cret');

    const reencrypted = rotated.encrypt(rotated.decrypt(ct, 'cfg-1:api_key'), 'cfg-1:api_key');
    expect(reencrypted.startsWith('enc:v2:k2:')).toBe(true);
    expect(rotated.isCurrent(reencrypted)).toBe(true);
    expect(rotated.isCurrent('plaintext')).toBe(false);
  });

  it('still decrypts legacy enc:v1 ciphertexts, which are never current (keys rotate rewrites them)', () => {
    const legacy = legacyV1Encrypt(k1, 'old-token', 'cfg-1:token');
    const box = new SecretBox([k1]);
    expect(box.decrypt(legacy, 'cfg-1:token')).toBe('old-token');
    expect(box.isCurrent(legacy)).toBe(false);
    expect(secretBoxError(() => box.decrypt(legacy, 'cfg-2:token')).reason).toBe('auth_failed');
  });

  it('reports an unknown kid without revealing anything', () => {
    const ct = new SecretBox([k2]).encrypt('s3cret');
    const err = secretBoxError(() => new SecretBox([k1]).decrypt(ct));
    expect(err.reason).toBe('unknown_kid');
    expect(err.kid).toBe('k2');
    expect(err.message).not.toContain('s3cret');
  });

  it('detects tampering with the ciphertext, tag, IV or kid', () => {
    const box = new SecretBox([k1, { kid: 'k1b', key: k1.key }]);
    const ct = box.encrypt('a secret long enough to flip bits in');
    const parts = ct.split(':');
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64url');
      bytes[0] ^= 0x01;
      return bytes.toString('base64url');
    };
    const variants = [3, 4, 5].map((i) => parts.map((p, j) => (j === i ? flip(p) : p)).join(':'));
    // Same key bytes under another kid: the kid is bound into the additional data, so this fails too.
    variants.push(['enc', 'v2', 'k1b', ...parts.slice(3)].join(':'));
    // The version is bound too: a v2 ciphertext relabelled as legacy v1 does not decrypt.
    variants.push(['enc', 'v1', ...parts.slice(2)].join(':'));
    for (const tampered of variants) {
      const err = secretBoxError(() => box.decrypt(tampered));
      expect(err.reason).toBe('auth_failed');
      expect(err.message).not.toContain('secret long');
    }
  });

  it('binds the ciphertext to its AAD (no swapping between rows or fields)', () => {
    const box = new SecretBox([k1]);
    const ct = box.encrypt('s3cret', 'cfg-1:token');
    expect(secretBoxError(() => box.decrypt(ct, 'cfg-2:token')).reason).toBe('auth_failed');
    expect(secretBoxError(() => box.decrypt(ct, 'cfg-1:api_key')).reason).toBe('auth_failed');
    expect(secretBoxError(() => box.decrypt(ct)).reason).toBe('auth_failed');
  });

  it.each(['plain', 'enc:v2:k1:short:short:', 'enc:v3:k1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:', ''])(
    'rejects a malformed ciphertext %j',
    (value) => {
      expect(secretBoxError(() => new SecretBox([k1]).decrypt(value)).reason).toBe('malformed');
    },
  );

  it('refuses strings UTF-8 cannot carry unchanged (lone surrogates)', () => {
    expect(secretBoxError(() => new SecretBox([k1]).encrypt('a\ud800b')).reason).toBe('malformed');
  });

  it('validates its keyring', () => {
    expect(() => new SecretBox([])).toThrow(SecretBoxError);
    expect(() => new SecretBox([k1, { kid: 'k1', key: key() }])).toThrow(/duplicate/);
    expect(() => new SecretBox([{ kid: 'k1', key: randomBytes(16) }])).toThrow(/32 bytes/);
  });

  it('copies its keys so later mutation of the caller buffer has no effect', () => {
    const mutable = { kid: 'm', key: key() };
    const box = new SecretBox([mutable]);
    const ct = box.encrypt('x');
    mutable.key.fill(0);
    expect(box.decrypt(ct)).toBe('x');
  });

  it('property: decrypt(encrypt(s)) === s for arbitrary unicode strings and contexts', () => {
    const box = new SecretBox([k1, k2]);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 40 }), (s, aad) => {
        const ct = box.encrypt(s, aad);
        return isCiphertext(ct) && box.decrypt(ct, aad) === s;
      }),
      { numRuns: 200 },
    );
  });
});

describe('isCiphertext', () => {
  it('recognises only well-formed enc:v2 and legacy enc:v1 values', () => {
    expect(isCiphertext('enc:v2:k1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:')).toBe(true);
    expect(isCiphertext(new SecretBox([k1]).encrypt('x'))).toBe(true);
    expect(isCiphertext('enc:v1:k1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:')).toBe(true);
    expect(isCiphertext('enc:v1:k1:AAAA:AAAA:AAAA')).toBe(false);
    expect(isCiphertext('enc:v1:bad kid:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:')).toBe(false);
    expect(isCiphertext('my-plain-token')).toBe(false);
    expect(isCiphertext(42)).toBe(false);
    expect(isCiphertext(undefined)).toBe(false);
  });
});

describe('parseEncryptionKeys', () => {
  const b64 = (bytes: Buffer) => bytes.toString('base64');

  it('parses kid:BASE64 entries in order (standard or url-safe base64, spaces tolerated)', () => {
    const a = key();
    const b = key();
    const keys = parseEncryptionKeys(` k2:${b64(b)} , k1:${a.toString('base64url')}`);
    expect(keys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(keys[0].key.equals(b)).toBe(true);
    expect(keys[1].key.equals(a)).toBe(true);
  });

  it('accepts a generated entry', () => {
    const entry = generateEncryptionKeyEntry('2025-01');
    const [parsed] = parseEncryptionKeys(entry);
    expect(parsed.kid).toBe('2025-01');
    expect(parsed.key).toHaveLength(32);
  });

  it.each([
    ['empty', '', /no encryption keys/],
    ['no colon', b64(key()), /expected "kid:BASE64KEY"/],
    ['empty kid', `:${b64(key())}`, /kid must be/],
    ['kid with invalid chars', `k 1:${b64(key())}`, /kid must be/],
    ['kid too long', `${'k'.repeat(33)}:${b64(key())}`, /kid must be/],
    ['bad base64', 'k1:not*base64!', /not valid base64/],
    ['short key', `k1:${b64(randomBytes(16))}`, /must be 32 bytes, got 16/],
    ['long key', `k1:${b64(randomBytes(33))}`, /must be 32 bytes, got 33/],
    ['duplicate kid', `k1:${b64(key())},k1:${b64(key())}`, /duplicate encryption key id "k1"/],
  ])('rejects %s', (_name, value, message) => {
    const err = secretBoxError(() => parseEncryptionKeys(value));
    expect(err.reason).toBe('invalid_keys');
    expect(err.message).toMatch(message);
  });

  it('never echoes key material in errors', () => {
    const short = b64(randomBytes(31));
    const err = secretBoxError(() => parseEncryptionKeys(`k1:${short}`));
    expect(err.message).not.toContain(short);
  });
});
