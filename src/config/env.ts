/**
 * Environment, validated by schema at start-up: a bad value stops the service with a message naming the variable.
 */
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const Bool = Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')]);

export const EnvSchema = Type.Object({
  PORT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  SIEM_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^(sqlite:|postgres(ql)?://)' })),
  SIEM_DB_POOL_SIZE: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
  SIEM_JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  SIEM_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SIEM_JWT_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  SIEM_JWT_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  SIEM_JWT_MAX_LIFETIME_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
  SIEM_ENCRYPTION_KEYS: Type.Optional(Type.String({ minLength: 1 })),
  SIEM_EGRESS_ALLOW: Type.Optional(Type.String()),
  SIEM_CONNECTORS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  SIEM_REVEAL_SECRETS: Type.Optional(Bool),
  SIEM_FLUSH_INTERVAL_MS: Type.Optional(Type.String({ pattern: '^[0-9]{1,7}$' })),
  SIEM_TEST_RATE_LIMIT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  SIEM_RETENTION_HOURS: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
  SIEM_REQUEST_TIMEOUT_MS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,8}$' })),
  SIEM_HEADERS_TIMEOUT_MS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,8}$' })),
  SIEM_KEEP_ALIVE_TIMEOUT_MS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,8}$' })),
  SIEM_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  SIEM_METRICS_PORT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  SIEM_METRICS_HOST: Type.Optional(Type.String({ minLength: 1 })),
  LOG_LEVEL: Type.Optional(
    Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  ),
});
export type RawEnv = Static<typeof EnvSchema>;

export interface ServiceSettings {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  dbPoolSize: number;
  jwtSecret?: string;
  jwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Longest token lifetime (exp − iat) accepted, seconds; 0: no maximum (and iat optional). */
  jwtMaxLifetimeSec: number;
  encryptionKeys?: string;
  egressAllow?: string;
  connectorsFile?: string;
  revealSecrets: boolean;
  flushIntervalMs: number;
  /** Connection tests per organisation per minute. */
  testRateLimitPerMinute: number;
  retentionMs: number;
  logLevel: string;
  /** What this process runs: the API, delivery workers, or both (SPEC §7 scale-out). */
  role: 'api' | 'worker' | 'all';
  /** A request's headers and body must have arrived within this time (else 408). */
  requestTimeoutMs: number;
  /** A request's headers must have arrived within this time (≤ requestTimeoutMs): slow-header clients are cut. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
  /** When set, GET /metrics requires `Authorization: Bearer <this>`. */
  metricsToken?: string;
  /** When set, /metrics is served on this port (of metricsHost) only, not on the main one. */
  metricsPort?: number;
  metricsHost: string;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** Longer than the usual load balancer idle timeout (60 s), so the balancer, not we, closes idle connections. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** A day: tokens from identity providers live minutes to hours; `siemstream token` mints one-hour tokens. */
export const DEFAULT_JWT_MAX_LIFETIME_SEC = 24 * 3600;

export class EnvError extends Error {}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): ServiceSettings {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  const errors = [...Value.Errors(EnvSchema, picked)];
  if (errors.length > 0) {
    const names = errors.map((e) => `${e.instancePath.slice(1) || 'env'}: ${e.message}`);
    throw new EnvError(`invalid environment: ${[...new Set(names)].join('; ')}`);
  }
  const e = picked as RawEnv;
  const bool = (v: string | undefined, d: boolean) => (v === undefined ? d : v === 'true' || v === '1');
  const requestTimeoutMs = e.SIEM_REQUEST_TIMEOUT_MS ? Number(e.SIEM_REQUEST_TIMEOUT_MS) : DEFAULT_REQUEST_TIMEOUT_MS;
  const headersTimeoutMs = e.SIEM_HEADERS_TIMEOUT_MS ? Number(e.SIEM_HEADERS_TIMEOUT_MS) : Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeoutMs);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new EnvError('invalid environment: SIEM_HEADERS_TIMEOUT_MS must not exceed SIEM_REQUEST_TIMEOUT_MS');
  }
  if (e.SIEM_METRICS_HOST && !e.SIEM_METRICS_PORT) {
    throw new EnvError('invalid environment: SIEM_METRICS_HOST needs SIEM_METRICS_PORT (the metrics listener\'s port)');
  }
  return {
    port: e.PORT ? Number(e.PORT) : 8080,
    host: e.HOST ?? '127.0.0.1',
    dataDir: e.SIEM_DATA_DIR ?? './data',
    databaseUrl: e.DATABASE_URL,
    dbPoolSize: e.SIEM_DB_POOL_SIZE ? Number(e.SIEM_DB_POOL_SIZE) : 10,
    jwtSecret: e.SIEM_JWT_SECRET,
    jwksUrl: e.SIEM_JWKS_URL,
    jwtIssuer: e.SIEM_JWT_ISSUER,
    jwtAudience: e.SIEM_JWT_AUDIENCE,
    jwtMaxLifetimeSec: e.SIEM_JWT_MAX_LIFETIME_SECONDS ? Number(e.SIEM_JWT_MAX_LIFETIME_SECONDS) : DEFAULT_JWT_MAX_LIFETIME_SEC,
    encryptionKeys: e.SIEM_ENCRYPTION_KEYS,
    egressAllow: e.SIEM_EGRESS_ALLOW,
    connectorsFile: e.SIEM_CONNECTORS_FILE,
    revealSecrets: bool(e.SIEM_REVEAL_SECRETS, true),
    flushIntervalMs: e.SIEM_FLUSH_INTERVAL_MS ? Number(e.SIEM_FLUSH_INTERVAL_MS) : 1000,
    testRateLimitPerMinute: e.SIEM_TEST_RATE_LIMIT ? Number(e.SIEM_TEST_RATE_LIMIT) : 10,
    retentionMs: (e.SIEM_RETENTION_HOURS ? Number(e.SIEM_RETENTION_HOURS) : 24 * 7) * 3600_000,
    logLevel: e.LOG_LEVEL ?? 'info',
    role: 'all',
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: e.SIEM_KEEP_ALIVE_TIMEOUT_MS ? Number(e.SIEM_KEEP_ALIVE_TIMEOUT_MS) : DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    metricsToken: e.SIEM_METRICS_TOKEN,
    metricsPort: e.SIEM_METRICS_PORT ? Number(e.SIEM_METRICS_PORT) : undefined,
    metricsHost: e.SIEM_METRICS_HOST ?? e.HOST ?? '127.0.0.1',
  };
}
