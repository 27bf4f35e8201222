/**
 * `hash`: HMAC-SHA-256 keyed with the organisation's hash key, written `hmac-sha256:<64 lowercase hex digits>`.
 * The same value gives the same pseudonym in every event and stream of an organisation, so a SIEM can still
 * count and correlate per user; without the key it cannot be reversed, and another organisation's key gives
 * unrelated pseudonyms. What is hashed is the value's text as UTF-8: a string itself, a number in its shortest
 * JavaScript form (`1e3` and `1000` hash alike), a boolean as `true` / `false`.
 *
 * Identity platforms repeat the same users constantly, so results are cached per compiled transform list
 * (bounded; the cache only holds what the event already carried and lives as long as the stream's transforms).
 */
import { createHmac } from 'node:crypto';

export const HASH_PREFIX = 'hmac-sha256:';
/** Below this, a key is too easy to guess for the pseudonyms to protect anything. */
export const MIN_HASH_KEY_BYTES = 16;
const CACHE_LIMIT = 4096;

export type Pseudonymizer = (text: string) => string;

export function createPseudonymizer(key: Uint8Array | string): Pseudonymizer {
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (keyBytes.byteLength < MIN_HASH_KEY_BYTES) {
    throw new Error(`the organisation hash key must be at least ${MIN_HASH_KEY_BYTES} bytes`);
  }
  const ownKey = Buffer.from(keyBytes); // a copy: the caller may wipe or reuse its buffer
  const cache = new Map<string, string>();
  return (text) => {
    let out = cache.get(text);
    if (out === undefined) {
      out = HASH_PREFIX + createHmac('sha256', ownKey).update(text, 'utf8').digest('hex');
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(text, out);
    }
    return out;
  };
}
