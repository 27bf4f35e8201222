/**
 * One destination's credentials as text to find and hide in whatever is derived from its SIEM's answers (error
 * texts, dead-letter reasons, test results, log lines). Many receivers echo what they were sent ("invalid token
 * Splunk abc…"), so the redactor knows every secret field's value, the credentials as sent (the definition's
 * `sentCredentials`, e.g. Basic auth), tokens obtained at run time (`add`), and the forms an echo takes: the
 * value part of a `Name: value` header, the token after an auth scheme, the token of a secret URL, the key of an
 * encoded `id:key`, base64, URL-encoding, JSON escaping and collapsed whitespace.
 */
import type { ConnectorDefinition } from './types.ts';

export const REDACTED = '[REDACTED]';

/** Shorter fragments would match ordinary text by accident (a 3-character secret is no secret anyway). */
const MIN_FRAGMENT_LENGTH = 4;
/** Run-time tokens kept (an OAuth token is replaced about hourly; an older one may still be echoed for a while). */
const MAX_RUNTIME_SECRETS = 4;
/** The ellipsis shared/classify.ts trimBodyText puts where it cut a long answer. */
const CUT_MARK = '…';

const HEADER_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[ \t]*(\S[\s\S]*)$/;
const BASE64 = /^[A-Za-z0-9+/_-]{8,}={0,2}$/;
const PRINTABLE = /^[\x20-\x7e]+$/;

export class SecretRedactor {
  private configured: string[];
  private runtime: string[] = [];
  private fragments: string[];

  constructor(secrets: readonly unknown[]) {
    this.configured = fragmentsOf(secrets);
    this.fragments = this.configured;
  }

  /** A credential obtained at run time (ConnectorDeps.noteSecret). */
  add(secret: string): void {
    if (typeof secret !== 'string' || secret.length < MIN_FRAGMENT_LENGTH || this.runtime.includes(secret)) return;
    this.runtime = [secret, ...this.runtime].slice(0, MAX_RUNTIME_SECRETS);
    this.fragments = mergeLongestFirst(this.configured, fragmentsOf(this.runtime));
  }

  /** The fragments searched for, longest first (previews use them on headers and URLs). */
  get secrets(): readonly string[] {
    return this.fragments;
  }

  redact(text: string): string {
    if (this.fragments.length === 0 || typeof text !== 'string' || text.length < MIN_FRAGMENT_LENGTH) return text;
    let out = text;
    for (const f of this.fragments) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out.endsWith(CUT_MARK) ? this.redactCutTail(out) : out;
  }

  /** A secret cut in half by a length limit leaves its beginning just before the ellipsis: hide that part too. */
  private redactCutTail(text: string): string {
    const body = text.slice(0, -CUT_MARK.length);
    let longest = 0;
    for (const f of this.fragments) {
      for (let n = Math.min(f.length - 1, body.length); n >= MIN_FRAGMENT_LENGTH && n > longest; n--) {
        if (body.endsWith(f.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest === 0 ? text : `${body.slice(0, -longest)}${REDACTED}${CUT_MARK}`;
  }
}

/** The redactor of a destination: its secret fields' values plus the credentials its connector sends. */
export function secretRedactor(def: ConnectorDefinition<any>, config: Record<string, unknown>): SecretRedactor {
  const values: unknown[] = def.secretFields.map((f) => config[f]);
  try {
    values.push(...(def.sentCredentials?.(config) ?? []));
  } catch {
    // A config the connector cannot read yields no derived credentials; the plain values are still there.
  }
  return new SecretRedactor(values);
}

/** Every form of these secrets worth searching for, longest first. */
function fragmentsOf(secrets: readonly unknown[]): string[] {
  const base = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string') continue;
    for (const part of partsOf(s)) base.add(part);
  }
  const all = new Set<string>();
  for (const b of base) {
    if (b.length < MIN_FRAGMENT_LENGTH) continue;
    for (const form of encodingsOf(b)) if (form.length >= MIN_FRAGMENT_LENGTH) all.add(form);
  }
  return [...all].sort((a, b) => b.length - a.length);
}

/** The secret and the pieces of it that are secret on their own. */
function partsOf(secret: string): string[] {
  const parts = [secret, secret.trim()];
  const header = HEADER_LINE.exec(secret);
  // `X-API-Key: abc` → `abc`; not `https://…`, whose "value" is the rest of a URL.
  if (header && !header[1].startsWith('//')) parts.push(header[1].trim());
  for (const p of [...parts]) {
    // `Basic dXNlcjpwYXNz`, `Bearer abc` → the token after the scheme.
    const words = p.trim().split(/\s+/);
    if (words.length > 1) parts.push(words[words.length - 1]);
  }
  const url = secretUrlParts(secret);
  parts.push(...url);
  for (const p of [...parts]) parts.push(...decodedParts(p));
  return parts;
}

/** A secret URL (Sumo Logic's): its path (and query), and its last path segment (the collector token). */
function secretUrlParts(secret: string): string[] {
  if (!/^https?:\/\//i.test(secret.trim())) return [];
  try {
    const url = new URL(secret.trim());
    const segments = url.pathname.split('/').filter((s) => s.length > 0);
    const out = [`${url.pathname}${url.search}`];
    if (segments.length > 0) out.push(segments[segments.length - 1], decodeURIComponentSafe(segments[segments.length - 1]));
    return out;
  } catch {
    return [];
  }
}

/** base64 of `id:key` or `user:password` (Elasticsearch keys, Basic auth) → the decoded text and what follows `:`. */
function decodedParts(value: string): string[] {
  if (!BASE64.test(value)) return [];
  const decoded = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  if (!PRINTABLE.test(decoded) || !decoded.includes(':')) return [];
  return [decoded, decoded.slice(decoded.indexOf(':') + 1)];
}

/** The text as a receiver may echo it: as is, base64, URL-encoded, JSON-escaped, whitespace collapsed. */
function encodingsOf(value: string): string[] {
  const utf8 = Buffer.from(value, 'utf8');
  const json = JSON.stringify(value).slice(1, -1);
  return [
    value,
    value.replace(/\s+/g, ' '),
    utf8.toString('base64'),
    utf8.toString('base64').replace(/=+$/, ''),
    utf8.toString('base64url'),
    encodeURIComponentSafe(value),
    encodeURIComponentSafe(value).replace(/%20/g, '+'),
    json,
    json.replace(/\//g, '\\/'),
  ];
}

function encodeURIComponentSafe(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value; // a lone surrogate: no URL-encoded form exists
  }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function mergeLongestFirst(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort((x, y) => y.length - x.length);
}
