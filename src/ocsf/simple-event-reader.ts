/**
 * Reads the fields of one simple event (format: README.md "Simple events"), checking each and converting it to
 * its OCSF piece. Every key read is marked used; what no mapping read is returned by `leftovers()` and kept in
 * OCSF `unmapped`, so a publisher's extra data is never silently dropped. `null` counts as absent.
 * Problems throw SimpleEventError("<field>: <reason>"); messages name fields, never echo values (they may be secrets).
 */
import { isIP } from 'node:net';
import { compact } from './compact.ts';
import { FACTOR_TYPES, SEVERITY_CAPTIONS } from './vocabulary.ts';

export class SimpleEventError extends Error {
  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'SimpleEventError';
  }
}

/** OCSF `user` object (the subset simple events fill). */
export interface OcsfUser {
  uid?: string;
  name?: string;
  email_addr?: string;
}

/** A `{ uid, name, type }` reference (group, resource, API key). */
export interface NamedRef {
  uid?: string;
  name?: string;
  type?: string;
}

// The OCSF email_t pattern, as in the schemas, so a mapped event never fails the schema on an address.
const EMAIL = /^[a-zA-Z0-9!#$%&'*+-/=?^_`{|}~.]+@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+$/;
// ISO 8601 date-time with an explicit offset: a time without one would depend on the server's time zone.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const MAX_IP_LENGTH = 40; // OCSF ip_t maxLength
const PERSON_KEYS = ['user_id', 'email', 'name'];
const SEVERITY_BY_NAME = new Map(Object.entries(SEVERITY_CAPTIONS).map(([id, caption]) => [caption.toLowerCase(), Number(id)]));

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export class SimpleEventReader {
  private readonly used = new Set<string>();

  constructor(private readonly e: JsonObject) {}

  /** The raw value, marked used; undefined when absent or null. */
  take(key: string): unknown {
    this.used.add(key);
    const v = this.e[key];
    return v === null ? undefined : v;
  }

  /** Whether the field holds a value (does not mark it used). */
  has(key: string): boolean {
    return this.e[key] !== undefined && this.e[key] !== null;
  }

  string(key: string): string | undefined {
    return checkString(this.take(key), key);
  }

  requiredString(key: string, why: string): string {
    const v = this.string(key);
    if (v === undefined) throw new SimpleEventError(key, `required ${why}`);
    return v;
  }

  /** A string or a non-empty array of strings. */
  stringList(key: string): string[] | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return [checkString(v, key)!];
    if (!Array.isArray(v) || v.length === 0) throw new SimpleEventError(key, 'must be a string or a non-empty array of strings');
    return v.map((item, i) => {
      const s = checkString(item, `${key}[${i}]`);
      if (s === undefined) throw new SimpleEventError(`${key}[${i}]`, 'must be a non-empty string');
      return s;
    });
  }

  integer(key: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) {
      throw new SimpleEventError(key, `must be an integer from ${min} to ${max}`);
    }
    return v as number;
  }

  boolean(key: string): boolean | undefined {
    const v = this.take(key);
    if (v === undefined || typeof v === 'boolean') return v;
    throw new SimpleEventError(key, 'must be a boolean');
  }

  /** ISO 8601 date-time with offset, or epoch milliseconds; `fallback` when absent. */
  time(key: string, fallback: () => number): number {
    const v = this.take(key);
    if (v === undefined) return fallback();
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && v >= 0) return v;
      throw new SimpleEventError(key, 'must be epoch milliseconds (a non-negative integer) or an ISO 8601 string');
    }
    const ms = typeof v === 'string' && ISO_DATE_TIME.test(v) ? Date.parse(v) : NaN;
    if (Number.isNaN(ms) || ms < 0) {
      throw new SimpleEventError(key, 'must be an ISO 8601 date-time with offset (e.g. 2024-06-10T12:00:00Z) or epoch milliseconds');
    }
    return ms;
  }

  ip(key: string): string | undefined {
    const v = this.string(key);
    if (v !== undefined && (v.length > MAX_IP_LENGTH || isIP(v) === 0)) {
      throw new SimpleEventError(key, 'must be an IPv4 or IPv6 address');
    }
    return v;
  }

  /** `{ user_id?, email?, name? }` → OCSF user `{ uid, name, email_addr }` (name falls back to the email). */
  person(key: string): OcsfUser | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    const p = checkObject(v, key, PERSON_KEYS);
    const uid = checkString(p.user_id, `${key}.user_id`);
    const name = checkString(p.name, `${key}.name`);
    const email = checkString(p.email, `${key}.email`);
    if (email !== undefined && !EMAIL.test(email)) throw new SimpleEventError(`${key}.email`, 'must be an email address');
    if (uid === undefined && name === undefined && email === undefined) {
      throw new SimpleEventError(key, 'needs user_id, email or name');
    }
    // OCSF user needs a name or uid: an address alone also names the user.
    return compact({ uid, name: name ?? (uid === undefined ? email : undefined), email_addr: email });
  }

  /** A name string, or `{ id?, name?, ...extraKeys }` with an id or a name → `{ uid, name, ... }`. */
  named(key: string, extraKeys: readonly string[] = []): NamedRef | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return { name: checkString(v, key) };
    const o = checkObject(v, key, ['id', 'name', ...extraKeys]);
    const ref: JsonObject = { uid: checkString(o.id, `${key}.id`), name: checkString(o.name, `${key}.name`) };
    for (const extra of extraKeys) ref[extra] = checkString(o[extra], `${key}.${extra}`);
    if (ref.uid === undefined && ref.name === undefined) throw new SimpleEventError(key, 'needs an id or a name');
    return compact(ref) as NamedRef;
  }

  /** A severity_id (0-6, 99) or its caption ("low", "High", ...); `fallback` when absent. */
  severity(key: string, fallback: number): number {
    const v = this.take(key);
    if (v === undefined) return fallback;
    const id = typeof v === 'string' ? SEVERITY_BY_NAME.get(v.toLowerCase()) : v;
    if (typeof id === 'number' && SEVERITY_CAPTIONS[id] !== undefined) return id;
    throw new SimpleEventError(key, `must be one of ${Object.values(SEVERITY_CAPTIONS).join(', ').toLowerCase()} or its id (0-6, 99)`);
  }

  /** `outcome`: "success" | "failure" → true when it is a failure; `fallback` when absent. */
  isFailure(key: string, fallback: boolean): boolean {
    const v = this.take(key);
    if (v === undefined) return fallback;
    if (v === 'success' || v === 'failure') return v === 'failure';
    throw new SimpleEventError(key, 'must be "success" or "failure"');
  }

  /** `mfa_method` keyword → OCSF auth_factors. */
  authFactors(key: string): { factor_type_id: number; factor_type: string }[] | undefined {
    const method = this.string(key);
    if (method === undefined) return undefined;
    const known = FACTOR_TYPES[method.toLowerCase()];
    // Unknown methods keep their own name as the caption, as OCSF asks for "Other" (99).
    return [known ? { factor_type_id: known.id, factor_type: known.caption } : { factor_type_id: 99, factor_type: method }];
  }

  /** The fields no mapping read (for OCSF `unmapped`), or undefined when there are none. */
  leftovers(): JsonObject | undefined {
    let rest: JsonObject | undefined;
    for (const key of Object.keys(this.e)) {
      if (this.used.has(key) || this.e[key] === null || this.e[key] === undefined) continue;
      (rest ??= {})[key] = this.e[key];
    }
    return rest;
  }
}

function checkString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw new SimpleEventError(field, 'must be a non-empty string');
  return v;
}

function checkObject(v: unknown, field: string, allowed: readonly string[]): JsonObject {
  if (!isObject(v)) throw new SimpleEventError(field, `must be an object with ${allowed.join(', ')}`);
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) throw new SimpleEventError(`${field}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
  return v;
}
