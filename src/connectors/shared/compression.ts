/**
 * Request compression, done once for every HTTP connector just before sending (encoders stay pure and produce
 * uncompressed bodies). Async zlib keeps the event loop free while a large batch is compressed.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { EncodedRequest } from './types.ts';

const gzipAsync = promisify(gzipCallback);

// Level 6 (zlib's default). Measured on 1000 sample OCSF events (388 KB): level 6 → 9.9 % in ~5 ms, level 9 → 9.8 %
// in ~10 ms, level 1 → 11.1 % in ~2 ms; 6 is the knee.
const GZIP_LEVEL = 6;

export async function gzip(buf: Buffer): Promise<Buffer> {
  return gzipAsync(buf, { level: GZIP_LEVEL });
}

/** Headers and body as they go on the wire: gzipped with `Content-Encoding: gzip` when the request asks for it. */
export async function finalizeBody(req: EncodedRequest): Promise<{ headers: Record<string, string>; body: Buffer }> {
  if (!req.gzip) return { headers: req.headers, body: req.body };
  const body = await gzip(req.body);
  return { headers: { ...withoutHeader(req.headers, 'content-encoding'), 'Content-Encoding': 'gzip' }, body };
}

function withoutHeader(headers: Record<string, string>, lowerName: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== lowerName) out[k] = v;
  return out;
}
