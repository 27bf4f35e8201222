/** The generic HTTP connector: encode (+ sign) → (gzip) → guarded POST → generic classification. */
import { randomUUID } from 'node:crypto';
import { genericClassifier, sendAndClassify } from '../shared/send-request.ts';
import type { Connector, ConnectorDeps, ConnectorLimits, DeliveryEvent, DeliveryOutcome } from '../shared/types.ts';
import { parseAuthHeader, type HttpConfig } from './config.ts';
import { encodeHttpBatch, type HttpEncoderSettings, type RequestStamp } from './encoder.ts';
import { testHttpConnection } from './health.ts';

export const HTTP_LIMITS: ConnectorLimits = {
  maxEventsPerRequest: 10_000,
  maxRequestBytes: 5_000_000,
  maxEventBytes: 1_000_000,
};

export function createHttpConnector(config: HttpConfig, deps: ConnectorDeps): Connector {
  const settings: HttpEncoderSettings = {
    url: config.url,
    format: config.format ?? 'json_array',
    gzip: config.compression === 'gzip',
    apiKey: config.api_key,
    authHeader: config.auth_header === undefined ? undefined : parseAuthHeader(config.auth_header),
    headers: config.headers ?? {},
    hmacSecret: config.hmac_secret,
  };
  const transportOpts = { timeoutMs: config.timeout_ms, verifySsl: config.verify_ssl };
  // A fresh id and time per request (and per retry), so receivers can reject replays and stale signatures.
  const stamp = (): RequestStamp => ({ id: randomUUID(), timestamp: Math.floor(deps.now() / 1000) });
  const encode = (events: readonly DeliveryEvent[]) => encodeHttpBatch(events, settings, stamp());

  async function send(events: readonly DeliveryEvent[], opts: { signal?: AbortSignal } = {}): Promise<DeliveryOutcome> {
    return sendAndClassify(deps.http, encode(events), { ...transportOpts, signal: opts.signal }, genericClassifier(deps.now));
  }

  return {
    type: 'http',
    limits: HTTP_LIMITS,
    encode: (events) => [encode(events)],
    send,
    test: (event) => testHttpConnection(event, send),
    close: async () => {},
  };
}
