import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dataCollectorStringToSign,
  rfc1123Date,
  sharedKeyAuthorization,
  sharedKeySignature,
} from '../../../src/connectors/sentinel/shared-key-signature.ts';

// protocols.md §4a's example string-to-sign, verbatim.
const PROTOCOLS_EXAMPLE = 'POST\n1024\napplication/json\nx-ms-date:Mon, 04 Apr 2016 08:00:00 GMT\n/api/logs';
const KEY_BASE64 = 'c2llbXN0cmVhbS10ZXN0LXdvcmtzcGFjZS1rZXktMDEyMzQ1Njc4OQ==';
/**
 * Computed outside this code base with OpenSSL, over the example string and the base64-decoded key:
 *   printf 'POST\n1024\napplication/json\nx-ms-date:Mon, 04 Apr 2016 08:00:00 GMT\n/api/logs' \
 *     | openssl dgst -sha256 -mac HMAC -macopt hexkey:$(printf 'siemstream-test-workspace-key-0123456789' | xxd -p | tr -d '\n') -binary | base64
 */
const OPENSSL_SIGNATURE = 'iieGZg3bmVJQIPxUM0rTbQL2Zy+luZaKoXuVtGi+3z8=';

describe('Data Collector SharedKey signature', () => {
  it('builds the string-to-sign exactly as documented', () => {
    expect(dataCollectorStringToSign(1024, 'Mon, 04 Apr 2016 08:00:00 GMT')).toBe(PROTOCOLS_EXAMPLE);
  });

  it('matches the OpenSSL vector (HMAC-SHA256 keyed with the DECODED key)', () => {
    const key = Buffer.from(KEY_BASE64, 'base64');
    expect(sharedKeySignature(key, 1024, 'Mon, 04 Apr 2016 08:00:00 GMT')).toBe(OPENSSL_SIGNATURE);
    // Keying with the base64 text itself (a classic mistake) gives something else.
    expect(createHmac('sha256', KEY_BASE64).update(PROTOCOLS_EXAMPLE).digest('base64')).not.toBe(OPENSSL_SIGNATURE);
  });

  it('formats the Authorization header and an RFC 1123 x-ms-date', () => {
    const key = Buffer.from(KEY_BASE64, 'base64');
    expect(sharedKeyAuthorization('ws-1', key, 1024, 'Mon, 04 Apr 2016 08:00:00 GMT')).toBe(`SharedKey ws-1:${OPENSSL_SIGNATURE}`);
    expect(rfc1123Date(Date.UTC(2016, 3, 4, 8, 0, 0))).toBe('Mon, 04 Apr 2016 08:00:00 GMT');
    expect(rfc1123Date(Date.UTC(2026, 10, 21, 17, 5, 9, 999))).toBe('Sat, 21 Nov 2026 17:05:09 GMT');
  });
});
