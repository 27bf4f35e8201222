/**
 * Bearer-token identity: verifies the identity platform's JWTs (HS256 shared secret, or an IdP's JWKS) and mints
 * development tokens. Algorithms are pinned per mode so a token can never pick its own verification method
 * (no `alg: none`, no HS256-signed-with-the-public-key confusion). Error messages say what is wrong with the token
 * but never echo the token, the secret or claim values.
 */
import {
  SignJWT,
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type FetchImplementation,
  type JWTPayload,
  type JWTVerifyOptions,
} from 'jose';
import { SiemError, unauthenticated, unavailable } from '../errors.ts';

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  sub: string;
  orgId?: string;
  orgSlug?: string;
  role?: Role;
  platformAdmin: boolean;
  scopes: Set<string>;
}

export interface TokenVerifierOptions {
  /** HS256 shared secret (at least 32 bytes, RFC 7518 §3.2). Exclusive with `jwksUrl`. */
  secret?: string;
  /** The identity provider's JWKS; `https:`, or `http:` to a loopback host only. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Allowed clock skew for `exp`/`nbf`, seconds. */
  clockToleranceSec?: number;
  /**
   * Longest lifetime (`exp` − `iat`) a token may have, seconds; then `iat` is required and may not lie in the
   * future (beyond the skew), so a long-lived token cannot pass as a short one. 0 or absent: no maximum.
   */
  maxLifetimeSec?: number;
  /** Fetch used to download the JWKS (tests, proxies). */
  fetchJwks?: FetchImplementation;
  /** JWKS download timeout, ms. */
  jwksTimeoutMs?: number;
  /** Clock used for `exp`/`nbf` checks (tests). */
  now?: () => Date;
}

export interface TokenVerifier {
  verify(token: string): Promise<Identity>;
}

/** Scope to publish events (into the token's organisation). */
export const EVENTS_WRITE_SCOPE = 'events:write';
/** Scope to publish events naming their organisation, any organisation (implies events:write). */
export const EVENTS_WRITE_ANY_ORG_SCOPE = 'events:write:any-org';

/**
 * Whether events may name their organisation freely. Only an explicit platform claim allows it: a token that
 * merely lacks org_id (a user token without an organisation, say) must not reach every organisation.
 */
export function publishesForAnyOrg(id: Identity): boolean {
  return id.scopes.has(EVENTS_WRITE_ANY_ORG_SCOPE) || (id.platformAdmin && id.scopes.has(EVENTS_WRITE_SCOPE));
}

/** Whether the token may publish at all (into its organisation, or any with publishesForAnyOrg). */
export function publishesEvents(id: Identity): boolean {
  return id.scopes.has(EVENTS_WRITE_SCOPE) || id.scopes.has(EVENTS_WRITE_ANY_ORG_SCOPE);
}

export const HMAC_ALGORITHMS = ['HS256'];
/** Asymmetric only: an IdP-configured verifier must never accept a token MACed with public key bytes. */
export const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA', 'Ed25519'];

const MIN_SECRET_BYTES = 32;
const DEFAULT_CLOCK_TOLERANCE_SEC = 60;
/** Real tokens are well under 2 KiB; refusing huge ones early bounds the work an anonymous caller can cause. */
const MAX_TOKEN_CHARS = 8192;
const MAX_ID_CLAIM_CHARS = 128;
const MAX_SCOPE_CHARS = 4096;

export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  if (opts.secret !== undefined && opts.jwksUrl !== undefined) {
    throw new Error('Configure either a JWT secret or a JWKS URL, not both');
  }
  const clockTolerance = opts.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
  const maxLifetime = opts.maxLifetimeSec ? { seconds: opts.maxLifetimeSec, clockTolerance } : undefined;
  const baseOptions: JWTVerifyOptions = {
    issuer: opts.issuer,
    audience: opts.audience,
    clockTolerance,
    requiredClaims: maxLifetime ? ['exp', 'iat'] : ['exp'],
  };

  if (opts.secret !== undefined) {
    const key = hmacKey(opts.secret);
    const algorithms = HMAC_ALGORITHMS;
    return {
      verify: (token) =>
        verifyWith(token, algorithms, false, (options) => jwtVerify(token, key, options), baseOptions, opts.now, maxLifetime),
    };
  }

  if (opts.jwksUrl !== undefined) {
    const keySet = createRemoteJWKSet(jwksUrl(opts.jwksUrl), {
      timeoutDuration: opts.jwksTimeoutMs,
      [customFetch]: opts.fetchJwks,
    });
    const algorithms = JWKS_ALGORITHMS;
    return {
      verify: (token) =>
        verifyWith(token, algorithms, true, (options) => jwtVerify(token, keySet, options), baseOptions, opts.now, maxLifetime),
    };
  }

  throw new Error('Configure a JWT secret or a JWKS URL to verify bearer tokens');
}

async function verifyWith(
  token: string,
  algorithms: string[],
  remoteKeys: boolean,
  run: (options: JWTVerifyOptions) => Promise<{ payload: JWTPayload }>,
  baseOptions: JWTVerifyOptions,
  now: (() => Date) | undefined,
  maxLifetime: { seconds: number; clockTolerance: number } | undefined,
): Promise<Identity> {
  if (typeof token !== 'string' || token.length === 0) throw unauthenticated('missing bearer token');
  if (token.length > MAX_TOKEN_CHARS) throw unauthenticated('token too large');
  // Checked before any key lookup so a disallowed alg never triggers a JWKS download.
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthenticated('malformed token');
  }
  if (typeof alg !== 'string' || !algorithms.includes(alg)) throw unauthenticated('unsupported algorithm');

  let payload: JWTPayload;
  const currentDate = now?.();
  try {
    ({ payload } = await run({ ...baseOptions, algorithms, currentDate }));
  } catch (err) {
    throw toAuthError(err, remoteKeys);
  }
  if (maxLifetime) checkLifetime(payload, maxLifetime, (currentDate ?? new Date()).getTime() / 1000);
  return identityFromClaims(payload);
}

/** jose has checked that exp and iat are numbers and exp is not past; the lifetime between them is ours to bound. */
function checkLifetime(payload: JWTPayload, max: { seconds: number; clockTolerance: number }, nowSec: number): void {
  const iat = payload.iat!;
  if (iat > nowSec + max.clockTolerance) throw unauthenticated('token issued in the future (iat)');
  if (payload.exp! - iat > max.seconds) throw unauthenticated(`token lifetime (exp - iat) exceeds the maximum of ${max.seconds} s`);
}

function toAuthError(err: unknown, remoteKeys: boolean): SiemError {
  if (err instanceof SiemError) return err;
  if (!(err instanceof joseErrors.JOSEError)) {
    // Only the JWKS download throws non-JOSE errors (network failures): an outage, not a bad token.
    return remoteKeys ? unavailable('identity provider signing keys are unavailable') : unauthenticated('invalid token');
  }
  switch (err.code) {
    case 'ERR_JWT_EXPIRED':
      return unauthenticated('token expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return claimError(err as joseErrors.JWTClaimValidationFailed);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return unauthenticated('invalid signature');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return unauthenticated('unsupported algorithm');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return unauthenticated('no matching signing key for token');
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_GENERIC': // non-200 or non-JSON JWKS response
      return remoteKeys ? unavailable('identity provider signing keys are unavailable') : unauthenticated('invalid token');
    case 'ERR_JOSE_NOT_SUPPORTED':
      return unauthenticated('unsupported token');
    default: // ERR_JWS_INVALID, ERR_JWT_INVALID, ERR_JWK_INVALID …
      return unauthenticated('malformed token');
  }
}

function claimError(err: joseErrors.JWTClaimValidationFailed): SiemError {
  if (err.claim === 'exp') return unauthenticated(err.reason === 'missing' ? 'token has no exp claim' : 'invalid exp claim');
  if (err.claim === 'nbf') return unauthenticated('token not yet valid');
  if (err.claim === 'iat') return unauthenticated(err.reason === 'missing' ? 'token has no iat claim (required while a maximum token lifetime is set)' : 'invalid iat claim');
  if (err.claim === 'iss') return unauthenticated('token issuer not accepted');
  if (err.claim === 'aud') return unauthenticated('token audience not accepted');
  return unauthenticated('invalid token claims');
}

/** Maps validated claims to an Identity; any claim of the wrong type makes the whole token invalid. */
function identityFromClaims(payload: JWTPayload): Identity {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) throw unauthenticated('invalid sub claim');

  const orgId = optionalIdClaim(payload.org_id, 'org_id');
  const orgSlug = optionalIdClaim(payload.org_slug, 'org_slug');

  const role = payload.role;
  if (role !== undefined && !isRole(role)) throw unauthenticated('invalid role claim');

  const platformAdmin = payload.platform_admin;
  if (platformAdmin !== undefined && typeof platformAdmin !== 'boolean') {
    throw unauthenticated('invalid platform_admin claim');
  }

  const scope = payload.scope;
  if (scope !== undefined && (typeof scope !== 'string' || scope.length > MAX_SCOPE_CHARS)) {
    throw unauthenticated('invalid scope claim');
  }

  return {
    sub,
    ...(orgId !== undefined && { orgId }),
    ...(orgSlug !== undefined && { orgSlug }),
    ...(role !== undefined && { role }),
    platformAdmin: platformAdmin === true,
    scopes: parseScopes(scope),
  };
}

function optionalIdClaim(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_CLAIM_CHARS) {
    throw unauthenticated(`invalid ${name} claim`);
  }
  return value;
}

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

function parseScopes(scope: string | undefined): Set<string> {
  return new Set((scope ?? '').split(' ').filter((s) => s.length > 0));
}

function hmacKey(secret: string): Uint8Array {
  const key = new TextEncoder().encode(secret);
  if (key.length < MIN_SECRET_BYTES) {
    throw new Error(`JWT secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return key;
}

function jwksUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('JWKS URL is not a valid URL');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error('JWKS URL must use https (plain http is allowed for loopback hosts only)');
  }
  return url;
}

export interface MintTokenOptions {
  secret: string;
  sub?: string;
  orgId?: string;
  orgSlug?: string;
  role?: string;
  platformAdmin?: boolean;
  scope?: string;
  issuer?: string;
  audience?: string;
  /** Lifetime in seconds (default one hour); may be negative to mint an already-expired token for tests. */
  expiresInSec?: number;
}

/** Mints an HS256 token carrying the claims `createTokenVerifier` reads (the `siemstream token` CLI). */
export async function mintToken(opts: MintTokenOptions): Promise<string> {
  if (opts.role !== undefined && !isRole(opts.role)) {
    throw new Error(`role must be one of ${ROLES.join(', ')}`);
  }
  const expiresInSec = opts.expiresInSec ?? 3600;
  if (!Number.isFinite(expiresInSec)) throw new Error('expiresInSec must be a finite number');
  const claims: JWTPayload = {
    ...(opts.orgId !== undefined && { org_id: opts.orgId }),
    ...(opts.orgSlug !== undefined && { org_slug: opts.orgSlug }),
    ...(opts.role !== undefined && { role: opts.role }),
    ...(opts.platformAdmin === true && { platform_admin: true }),
    ...(opts.scope !== undefined && { scope: opts.scope }),
  };
  const issuedAt = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.sub ?? 'siemstream-dev')
    .setIssuedAt(issuedAt)
    // A number is an absolute NumericDate for jose, hence the explicit sum.
    .setExpirationTime(issuedAt + Math.trunc(expiresInSec));
  if (opts.issuer !== undefined) jwt.setIssuer(opts.issuer);
  if (opts.audience !== undefined) jwt.setAudience(opts.audience);
  return jwt.sign(hmacKey(opts.secret));
}

/** RFC 6750 b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** Extracts the token from an `Authorization` header: scheme `Bearer` (any case), exactly one token. */
export function parseBearer(header: string | undefined): string {
  if (header === undefined || header.trim().length === 0) throw unauthenticated('missing bearer token');
  const match = BEARER.exec(header.trim());
  if (!match) throw unauthenticated('malformed Authorization header: expected "Bearer <token>"');
  return match[1];
}
