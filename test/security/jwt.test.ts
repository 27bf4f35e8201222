import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, decodeJwt, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiemError } from '../../src/errors.ts';
import { createTokenVerifier, mintToken, parseBearer } from '../../src/security/jwt.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const inFuture = () => Math.floor(Date.now() / 1000) + 600;

/** Resolves to the SiemError a verification rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<SiemError> {
  const err = await promise.then(
    () => expect.unreachable('expected verification to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SiemError);
  return err as SiemError;
}

async function expectUnauthenticated(promise: Promise<unknown>, message: string): Promise<void> {
  const err = await rejection(promise);
  expect(err.statusCode).toBe(401);
  expect(err.code).toBe('SIEM_ERR_UNAUTHENTICATED');
  expect(err.message).toBe(message);
}

function signHs256(claims: Record<string, unknown>, secret = SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

describe('HS256 verifier', () => {
  const verifier = createTokenVerifier({ secret: SECRET });

  it('maps every claim to the identity', async () => {
    const token = await mintToken({
      secret: SECRET,
      sub: 'user-1',
      orgId: 'org-123',
      orgSlug: 'acme',
      role: 'admin',
      platformAdmin: true,
      scope: 'events:write  configs:read',
    });
    const identity = await verifier.verify(token);
    expect(identity).toEqual({
      sub: 'user-1',
      orgId: 'org-123',
      orgSlug: 'acme',
      role: 'admin',
      platformAdmin: true,
      scopes: new Set(['events:write', 'configs:read']),
    });
  });

  it('defaults optional claims: no org, no role, not platform admin, no scopes', async () => {
    const identity = await verifier.verify(await signHs256({ sub: 'u', exp: inFuture() }));
    expect(identity).toEqual({ sub: 'u', platformAdmin: false, scopes: new Set() });
    expect('orgId' in identity).toBe(false);
  });

  it.each(['owner', 'admin', 'member', 'viewer'])('accepts role %s', async (role) => {
    const identity = await verifier.verify(await signHs256({ sub: 'u', role, exp: inFuture() }));
    expect(identity.role).toBe(role);
  });

  it('rejects an expired token beyond the 60 s tolerance and accepts one within it', async () => {
    const token = await mintToken({ secret: SECRET, sub: 'u', expiresInSec: 30 });
    const exp = decodeJwt(token).exp!;
    const at = (secondsAfterExp: number) =>
      createTokenVerifier({ secret: SECRET, now: () => new Date((exp + secondsAfterExp) * 1000) });

    await expect(at(-1).verify(token)).resolves.toMatchObject({ sub: 'u' });
    await expect(at(59).verify(token)).resolves.toMatchObject({ sub: 'u' });
    await expectUnauthenticated(at(61).verify(token), 'token expired');
    await expectUnauthenticated(at(3600).verify(token), 'token expired');
  });

  it('honours a custom clock tolerance', async () => {
    const token = await mintToken({ secret: SECRET, sub: 'u', expiresInSec: 30 });
    const exp = decodeJwt(token).exp!;
    const strict = createTokenVerifier({ secret: SECRET, clockToleranceSec: 0, now: () => new Date((exp + 5) * 1000) });
    await expectUnauthenticated(strict.verify(token), 'token expired');
  });

  it('rejects a token already expired when minted', async () => {
    await expectUnauthenticated(verifier.verify(await mintToken({ secret: SECRET, expiresInSec: -120 })), 'token expired');
  });

  it('rejects a token without exp', async () => {
    await expectUnauthenticated(verifier.verify(await signHs256({ sub: 'u' })), 'token has no exp claim');
  });

  it('rejects a token that is not yet valid (nbf beyond tolerance)', async () => {
    const token = await signHs256({ sub: 'u', exp: inFuture() + 600, nbf: inFuture() });
    await expectUnauthenticated(verifier.verify(token), 'token not yet valid');
  });

  it('rejects alg none', async () => {
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'u', exp: inFuture(), platform_admin: true })}.`;
    await expectUnauthenticated(verifier.verify(unsigned), 'unsupported algorithm');
  });

  it('rejects other HMAC algorithms than HS256', async () => {
    const token = await new SignJWT({ sub: 'u', exp: inFuture() })
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode(SECRET + SECRET));
    await expectUnauthenticated(verifier.verify(token), 'unsupported algorithm');
  });

  it('rejects a token signed with another secret', async () => {
    const token = await mintToken({ secret: 'another-secret-0123456789-abcdefghijk', sub: 'u' });
    await expectUnauthenticated(verifier.verify(token), 'invalid signature');
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await mintToken({ secret: SECRET, sub: 'u', role: 'viewer' })).split('.');
    const forged = `${header}.${b64url({ sub: 'u', role: 'owner', exp: inFuture() })}.${signature}`;
    await expectUnauthenticated(verifier.verify(forged), 'invalid signature');
  });

  it.each([
    ['garbage', 'not-a-jwt', 'malformed token'],
    ['bad segments', 'a.b.c', 'malformed token'],
    ['header not JSON', `${Buffer.from('{').toString('base64url')}.${b64url({})}.sig`, 'malformed token'],
    ['empty', '', 'missing bearer token'],
  ])('rejects a malformed token (%s)', async (_name, token, message) => {
    await expectUnauthenticated(verifier.verify(token), message);
  });

  it('rejects an oversized token before parsing it', async () => {
    await expectUnauthenticated(verifier.verify(`${'a'.repeat(9000)}.b.c`), 'token too large');
  });

  it.each([
    ['org_id not a string', { org_id: 42 }, 'invalid org_id claim'],
    ['org_id too long', { org_id: 'x'.repeat(129) }, 'invalid org_id claim'],
    ['org_id empty', { org_id: '' }, 'invalid org_id claim'],
    ['org_slug not a string', { org_slug: ['acme'] }, 'invalid org_slug claim'],
    ['unknown role', { role: 'superuser' }, 'invalid role claim'],
    ['platform_admin as string', { platform_admin: 'true' }, 'invalid platform_admin claim'],
    ['scope as array', { scope: ['events:write'] }, 'invalid scope claim'],
  ])('rejects a badly typed claim: %s', async (_name, claims, message) => {
    await expectUnauthenticated(verifier.verify(await signHs256({ sub: 'u', exp: inFuture(), ...claims })), message);
  });

  it('rejects a token without sub', async () => {
    await expectUnauthenticated(verifier.verify(await signHs256({ exp: inFuture() })), 'invalid sub claim');
  });

  it('accepts org_id at the 128-character limit', async () => {
    const orgId = 'o'.repeat(128);
    expect((await verifier.verify(await mintToken({ secret: SECRET, orgId }))).orgId).toBe(orgId);
  });

  it('checks issuer and audience when configured', async () => {
    const strict = createTokenVerifier({ secret: SECRET, issuer: 'https://idp.example', audience: 'siemstream' });
    const good = await mintToken({ secret: SECRET, issuer: 'https://idp.example', audience: 'siemstream' });
    await expect(strict.verify(good)).resolves.toMatchObject({ sub: 'siemstream-dev' });
    await expectUnauthenticated(
      strict.verify(await mintToken({ secret: SECRET, issuer: 'https://evil.example', audience: 'siemstream' })),
      'token issuer not accepted',
    );
    await expectUnauthenticated(
      strict.verify(await mintToken({ secret: SECRET, issuer: 'https://idp.example', audience: 'other' })),
      'token audience not accepted',
    );
    await expectUnauthenticated(strict.verify(await mintToken({ secret: SECRET })), 'token issuer not accepted');
  });

  it('never puts the token or the secret in the error', async () => {
    const token = await mintToken({ secret: 'another-secret-0123456789-abcdefghijk', sub: 'u' });
    const err = await rejection(verifier.verify(token));
    expect(err.message).not.toContain(token.split('.')[2]);
    expect(JSON.stringify(err)).not.toContain('another-secret');
    expect(err.details).toBeUndefined();
  });
});

describe('verifier and minting configuration', () => {
  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => createTokenVerifier({ secret: 'short' })).toThrow(/at least 32 bytes/);
  });

  it('refuses to mint with a short secret or an unknown role', async () => {
    await expect(mintToken({ secret: 'short' })).rejects.toThrow(/at least 32 bytes/);
    await expect(mintToken({ secret: SECRET, role: 'root' })).rejects.toThrow(/role must be one of/);
  });

  it('needs exactly one of secret and jwksUrl', () => {
    expect(() => createTokenVerifier({})).toThrow(/JWT secret or a JWKS URL/);
    expect(() => createTokenVerifier({ secret: SECRET, jwksUrl: 'https://idp.example/jwks' })).toThrow(/not both/);
  });

  it('refuses a plain-http JWKS URL to a non-loopback host', () => {
    expect(() => createTokenVerifier({ jwksUrl: 'http://idp.example/jwks' })).toThrow(/https/);
    expect(() => createTokenVerifier({ jwksUrl: 'not a url' })).toThrow(/not a valid URL/);
    expect(() => createTokenVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks' })).not.toThrow();
  });

  it('mints tokens with exp = iat + expiresInSec', async () => {
    const claims = decodeJwt(await mintToken({ secret: SECRET, expiresInSec: 90 }));
    expect(claims.exp! - claims.iat!).toBe(90);
    expect(claims.platform_admin).toBeUndefined();
  });
});

describe('JWKS verifier (RS256 via a local JWKS server)', () => {
  const ISSUER = 'https://idp.test';
  const AUDIENCE = 'siemstream-api';
  let server: Server;
  let jwksUrl: string;
  let jwksRequests = 0;
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  let publicPem: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    publicPem = await exportSPKI(pair.publicKey);
    server = createServer((req, res) => {
      jwksRequests += 1;
      if (req.url !== '/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const verifier = () => createTokenVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });

  function signRs256(claims: Record<string, unknown>, opts: { iss?: string; aud?: string; kid?: string; key?: CryptoKey } = {}) {
    return new SignJWT({ exp: inFuture(), ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
      .setIssuer(opts.iss ?? ISSUER)
      .setAudience(opts.aud ?? AUDIENCE)
      .sign(opts.key ?? privateKey);
  }

  it('verifies an RS256 token with matching issuer and audience', async () => {
    const token = await signRs256({ sub: 'idp-user', org_id: 'org-9', role: 'owner', scope: 'events:write' });
    expect(await verifier().verify(token)).toEqual({
      sub: 'idp-user',
      orgId: 'org-9',
      role: 'owner',
      platformAdmin: false,
      scopes: new Set(['events:write']),
    });
  });

  it('rejects a wrong issuer or audience', async () => {
    await expectUnauthenticated(verifier().verify(await signRs256({ sub: 'u' }, { iss: 'https://other.test' })), 'token issuer not accepted');
    await expectUnauthenticated(verifier().verify(await signRs256({ sub: 'u' }, { aud: 'other' })), 'token audience not accepted');
  });

  it('rejects an RS256 token without exp', async () => {
    const token = await new SignJWT({ sub: 'u' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(privateKey);
    await expectUnauthenticated(verifier().verify(token), 'token has no exp claim');
  });

  it('rejects a token signed by a key the JWKS does not hold', async () => {
    const other = await generateKeyPair('RS256');
    await expectUnauthenticated(verifier().verify(await signRs256({ sub: 'u' }, { kid: 'k2', key: other.privateKey })), 'no matching signing key for token');
    await expectUnauthenticated(verifier().verify(await signRs256({ sub: 'u' }, { kid: 'k1', key: other.privateKey })), 'invalid signature');
  });

  it('rejects HS256 tokens (alg confusion), without fetching keys', async () => {
    const v = verifier();
    const before = jwksRequests;
    const claims = { sub: 'u', exp: inFuture(), iss: ISSUER, aud: AUDIENCE, platform_admin: true };
    // The classic attack: HMAC keyed with the public key's published bytes.
    for (const keyBytes of [publicPem, JSON.stringify(publicJwk), SECRET]) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .sign(new TextEncoder().encode(keyBytes));
      await expectUnauthenticated(v.verify(token), 'unsupported algorithm');
    }
    const unsigned = `${b64url({ alg: 'none', kid: 'k1' })}.${b64url(claims)}.`;
    await expectUnauthenticated(v.verify(unsigned), 'unsupported algorithm');
    expect(jwksRequests).toBe(before);
  });

  it('answers 503 when the JWKS cannot be fetched (outage, not a bad token)', async () => {
    let calls = 0;
    const v = createTokenVerifier({
      jwksUrl: 'https://idp.invalid/jwks',
      fetchJwks: async () => {
        calls += 1;
        return new Response('oops', { status: 500 });
      },
    });
    const err = await rejection(v.verify(await signRs256({ sub: 'u' })));
    expect(err.statusCode).toBe(503);
    expect(err.message).toBe('identity provider signing keys are unavailable');
    expect(calls).toBe(1);
  });
});

describe('parseBearer', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['BEARER abc', 'abc'],
    ['  Bearer   abc.def-_~+/==  ', 'abc.def-_~+/=='],
  ])('extracts the token from %j', (header, token) => {
    expect(parseBearer(header)).toBe(token);
  });

  it.each([undefined, '', '   '])('rejects a missing header (%j)', (header) => {
    expect(() => parseBearer(header)).toThrow(expect.objectContaining({ statusCode: 401, message: 'missing bearer token' }));
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearer a b', 'Bearerabc', 'Token abc', 'Bearer a,b', 'Bearer\tabc'])(
    'rejects a malformed header %j',
    (header) => {
      let thrown: unknown;
      try {
        parseBearer(header);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(SiemError);
      expect((thrown as SiemError).statusCode).toBe(401);
      expect((thrown as SiemError).message).toMatch(/^malformed Authorization header/);
      expect((thrown as SiemError).message).not.toContain('dXNlcjpwYXNz');
    },
  );
});
