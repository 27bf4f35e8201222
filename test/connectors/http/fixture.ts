/** The HTTP connector in the compliance suite: NDJSON, Bearer + custom header auth and HMAC all switched on. */
import type { ComplianceFixture } from '../compliance/types.ts';
import { startHttpMock } from './mock-receiver.ts';

const API_KEY = 'http-collector-key';
const HMAC_SECRET = 'compliance-hmac-secret-0123456789';

export const httpFixture: ComplianceFixture = {
  type: 'http',
  injectable: ['retry', 'auth', 'permanent', 'too-large'],
  supportsGzip: true,
  // A fresh request id per encode() (replay protection), hence a different signature each time.
  volatileHeaders: ['X-Siemstream-Id', 'X-Siemstream-Signature'],
  async start({ gzip }) {
    const receiver = await startHttpMock({
      format: 'ndjson',
      bearer: API_KEY,
      authHeader: ['X-Tenant-Key', 'tenant-secret'],
      hmacSecret: HMAC_SECRET,
      // The suite may drive the connector with a fake clock: check the signature, not the clock skew.
      toleranceSeconds: Number.POSITIVE_INFINITY,
    });
    return {
      receiver,
      config: {
        url: receiver.url,
        api_key: API_KEY,
        auth_header: 'X-Tenant-Key: tenant-secret',
        format: 'ndjson',
        hmac_secret: HMAC_SECRET,
        compression: gzip ? 'gzip' : 'none',
      },
    };
  },
};
