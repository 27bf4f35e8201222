/** Maps socket / TLS / undici failures to TransportError codes, for the HTTP and stream transports alike. */
import { TransportError } from './types.ts';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `target` names where we were going (origin or host:port) — never a path, which may hold a secret. */
export function toTransportError(err: unknown, target: string, timeoutMs: number): TransportError {
  if (err instanceof TransportError) return err;
  const code = codeOf(err);
  const name = (err as { name?: string } | null)?.name;
  const detail = code ?? (err instanceof Error ? err.message : String(err));
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') {
    return new TransportError('network', `request to ${target} aborted`, { cause: err });
  }
  if (code && TIMEOUT_CODES.has(code)) {
    return new TransportError('timeout', `request to ${target} timed out after ${timeoutMs} ms (${code})`, { cause: err });
  }
  if (code && DNS_CODES.has(code)) {
    return new TransportError('dns', `could not resolve ${target} (${code})`, { cause: err });
  }
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT'))) {
    const message = err instanceof Error ? err.message : code;
    return new TransportError('tls', `TLS failure with ${target}: ${message}`, { cause: err });
  }
  return new TransportError('network', `connection to ${target} failed (${detail})`, { cause: err });
}
