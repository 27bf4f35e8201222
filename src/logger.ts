/**
 * pino with redaction. Secrets must never reach a log line: known secret keys are censored wherever they appear
 * in logged objects (configs, headers, request bodies), and request logging never includes bodies.
 */
import pino, { type Logger, type DestinationStream } from 'pino';

const SECRET_KEYS = [
  'token',
  'api_key',
  'apiKey',
  'shared_key',
  'client_secret',
  'password',
  'hmac_secret',
  'auth_header',
  'authorization',
  'Authorization',
  'DD-API-KEY',
  'dd-api-key',
  'SEC',
  'sec',
  'x-sumo-token',
  'access_token',
  'secret',
  'jwtSecret',
  'encryptionKeys',
];

export const redactPaths = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`].map((p) => (k.includes('-') ? p.replace(k, `["${k}"]`) : p))),
  'req.headers.authorization',
];

export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: redactPaths, censor: '[REDACTED]' },
      base: { service: 'siemstream' },
    },
    opts.destination,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
