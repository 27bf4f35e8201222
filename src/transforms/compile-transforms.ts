/**
 * compileTransforms(list, { orgHashKey }): a stream's validated transform list, compiled once, as the function
 * delivery calls per event. undefined for an empty list: the stream has nothing to call, no cost at all.
 *
 * The function takes the event's JSON as UTF-8 bytes (or text) and returns bytes: on the delivery hot path an
 * event kept as published is a view of its request's bytes and the connectors copy those bytes into the body, so
 * working on bytes costs neither the decode to a string nor the encode back; text in is encoded once, which the
 * body writer would have done anyway. An event the transforms leave unchanged comes back as the same array.
 */
import { EventRewriter, type ScalarRewrite } from './event-rewriter.ts';
import { createPseudonymizer } from './hmac-pseudonym.ts';
import { buildTransformPlan } from './transform-plan.ts';
import type { TransformList } from './transform-schema.ts';
import { truncateIp } from './truncate-ip.ts';
import { describeIssue, validateTransforms } from './validate-transforms.ts';

/** What `redact` writes, and what free text shows where a dropped or redacted value was. */
export const REDACTED = '[REDACTED]';

export interface CompileTransformsOptions {
  /** The organisation's hash key (decrypted by the caller); required when the list has a `hash`. At least 16 bytes. */
  orgHashKey?: Uint8Array | string;
}

export interface CompiledTransforms {
  /** The transformed event as UTF-8 JSON; the input array itself when nothing changed. Throws on malformed JSON. */
  utf8(json: Uint8Array | string): Uint8Array;
  /** The same as text (preview, tests). */
  text(json: Uint8Array | string): string;
}

export function compileTransforms(list: TransformList, opts: CompileTransformsOptions = {}): CompiledTransforms | undefined {
  if (list.length === 0) return undefined;
  const { errors } = validateTransforms(list);
  // The API validated the list already; one that skipped validation is a programming error, not bad input.
  if (errors.length > 0) throw new Error(`invalid transform list: ${describeIssue(errors[0]!)}`);
  const hashes = list.some((t) => t.op === 'hash');
  if (hashes && opts.orgHashKey === undefined) throw new Error('a transform list with hash needs the organisation hash key');
  const pseudonym = hashes ? createPseudonymizer(opts.orgHashKey!) : undefined;

  const rewriteScalar: ScalarRewrite = (op, value) => {
    switch (op) {
      case 'redact':
        return REDACTED;
      case 'hash':
        return pseudonym!(typeof value === 'string' ? value : String(value));
      case 'truncate_ip':
        return (typeof value === 'string' ? truncateIp(value) : undefined) ?? REDACTED;
    }
  };
  const rewriter = new EventRewriter(buildTransformPlan(list), rewriteScalar, REDACTED);
  const utf8 = (json: Uint8Array | string) => rewriter.rewrite(typeof json === 'string' ? Buffer.from(json, 'utf8') : json);
  return {
    utf8,
    text(json) {
      const out = utf8(json);
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf8');
    },
  };
}
