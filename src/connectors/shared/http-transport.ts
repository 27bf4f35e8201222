/**
 * The egress-guarded HTTP transport every HTTP connector sends through (SPEC §8):
 * - each request's host is checked by the egress guard, and new sockets connect to the address the guard pinned
 *   (never to a fresh DNS answer), while SNI and Host keep the configured hostname;
 * - one undici Pool (keep-alive) per origin + TLS verification + connect timeout;
 * - `timeoutMs` bounds the whole exchange (DNS + connect + headers + body); no redirects (a 3xx is returned as
 *   is); TLS verified unless `verifySsl === false`; credentials in the URL are refused rather than dropped;
 * - failures below HTTP become TransportError; messages name the origin only, never the path (which can hold a
 *   token, e.g. Sumo Logic collector URLs).
 */
import { Pool, buildConnector } from 'undici';
import type { Logger } from 'pino';
import type { EgressGuard } from '../../security/egress-guard.ts';
import { TransportError, type HttpRequest, type HttpResponse, type HttpTransport } from './types.ts';
import { toTransportError } from './transport-errors.ts';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECTIONS_PER_ORIGIN = 8;
/** Receivers answer with small JSON; a larger answer is a misbehaving endpoint, not something to buffer. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

interface PoolEntry {
  pool: Pool;
  /** The most recent guard-approved address for this origin; every new socket of the pool connects to it. */
  pinned?: string;
}

export function createHttpTransport(opts: {
  egress: EgressGuard;
  logger?: Logger;
  maxConnectionsPerOrigin?: number;
}): HttpTransport {
  const pools = new Map<string, PoolEntry>();
  let closed = false;

  function poolFor(url: URL, verifySsl: boolean, connectTimeoutMs: number): PoolEntry {
    const key = `${url.origin}|${verifySsl}|${connectTimeoutMs}`;
    let entry = pools.get(key);
    if (entry) return entry;
    const baseConnect = buildConnector({ rejectUnauthorized: verifySsl, timeout: connectTimeoutMs });
    const created: PoolEntry = {
      pool: new Pool(url.origin, {
        connections: opts.maxConnectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
        keepAliveTimeout: 10_000,
        connect(connectOpts, callback) {
          // Only ever reached after a successful guard check for this origin set `pinned`.
          if (!created.pinned) {
            callback(new TransportError('egress_refused', `refused egress to ${url.origin} (no egress check preceded this connection)`), null);
            return;
          }
          // `hostname` is where the socket goes; undici derives SNI from `host` (the configured name).
          baseConnect({ ...connectOpts, hostname: created.pinned }, callback);
        },
      }),
    };
    entry = created;
    pools.set(key, entry);
    opts.logger?.debug({ origin: url.origin, verifySsl }, 'http pool created');
    return entry;
  }

  async function request(req: HttpRequest): Promise<HttpResponse> {
    if (closed) throw new TransportError('network', 'transport closed');
    const url = parseTargetUrl(req.url);
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const https = url.protocol === 'https:';
    const port = Number(url.port || (https ? 443 : 80));
    const verifySsl = https ? req.verifySsl !== false : true;

    // One deadline for the whole exchange (DNS + connect + headers + body). undici's own phase timeouts stay as
    // backstops but tick on a coarse timer (±0.5 s) and its body timeout is per chunk, not total.
    // The caller's signal is linked by hand: AbortSignal.any() on a long-lived signal retains every child.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = () => controller.abort(req.signal?.reason);
    if (req.signal?.aborted) onCallerAbort();
    else req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const signal = controller.signal;
    try {
      const pinned = await untilAborted(opts.egress.resolve(url.hostname, { port, plaintext: !https }), signal);
      const entry = poolFor(url, verifySsl, timeoutMs);
      entry.pinned = pinned.address;
      const res = await entry.pool.request({
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: req.headers,
        body: req.body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal,
      });
      const body = await readBody(res.body, url.origin);
      return {
        status: res.statusCode,
        statusText: res.statusText ?? '',
        headers: res.headers,
        body,
        text: () => body.toString('utf8'),
      };
    } catch (err) {
      if (timedOut) {
        throw new TransportError('timeout', `request to ${url.origin} timed out after ${timeoutMs} ms`, { cause: err });
      }
      throw toTransportError(err, url.origin, timeoutMs);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return {
    request,
    async close() {
      closed = true;
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((e) => e.pool.close()));
    },
  };
}

function parseTargetUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Do not echo the URL: it may carry a token.
    throw new TransportError('invalid_url', 'invalid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TransportError('invalid_url', `unsupported URL scheme ${url.protocol} (only http: and https:)`);
  }
  // undici would silently drop them; say so instead of sending unauthenticated requests.
  if (url.username || url.password) {
    throw new TransportError('invalid_url', 'credentials in the URL are not supported; use the connector\'s auth settings');
  }
  return url;
}

async function readBody(body: AsyncIterable<Buffer>, origin: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      throw new TransportError('network', `response from ${origin} exceeds ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

/** Settles with `p`, or rejects as soon as `signal` aborts (a DNS lookup itself cannot be cancelled). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
