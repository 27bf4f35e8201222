/**
 * A published event's JSON bytes read strictly (the RFC 8259 grammar, as JSON.parse reads it) without building
 * the event: only its SKELETON is made, the members that validation and routing look at (validate.ts,
 * normalize.ts, event-org.ts), with every other value checked for syntax and skipped. For an event kept as sent
 * (pipeline/event-json.ts) nothing else of the parsed object is ever used, and JSON.parse cost ~4.5 µs per 1 KB
 * event plus the garbage of its objects; this reader is the hot path of prepare-kept-event.ts.
 *
 * Glossary:
 * - skeleton: a plain object with the event's relevant top-level members. Numbers, booleans and null
 *   are their values; a relevant object is a skeleton of its relevant members; a relevant array holds one
 *   placeholder per item; any other value is a PLACEHOLDER of the same JSON type (a string "s", 0, an empty
 *   object or array), so `typeof`, `Array.isArray`, null and presence checks read it as they would the value.
 * - exact strings: metadata.uid, metadata.tenant_uid and org_id (stored and routed by value) are decoded; metadata
 *   product name/uid only need "non-empty", which the bytes tell ("" is the only empty JSON string).
 *
 * Duplicate keys: a later member replaces an earlier one, as with JSON.parse.
 *
 * undefined means "not read here", never "invalid": the caller then takes the general path (JSON.parse and the
 * validator), which also words the error. So this reader may give up on anything unusual (a backslash in an
 * exact string, a key with escapes, deep nesting), but must never accept text JSON.parse rejects, nor give a
 * relevant value JSON.parse would read differently (test/pipeline/event-skeleton.test.ts checks both on
 * generated and mutated events). Bytes >= 0x80 are taken as UTF-8: the caller only asks for bodies that are valid
 * UTF-8 (api/events-body.ts flags others NOT_UTF8).
 */
import { matches, type ReadElement } from './json-elements.ts';
import { ATTRIBUTE_SHAPES, BASE_REQUIRED, OCSF_CLASSES } from '../ocsf/classes.ts';

export type Skeleton = Record<string, unknown>;

/** Deeper events take the general path (real events nest a few levels). */
const MAX_DEPTH = 64;

const STRING_PLACEHOLDER = 's';
const EMPTY_OBJECT: Readonly<Record<string, never>> = Object.freeze({});
const EMPTY_ARRAY: readonly never[] = Object.freeze([]);

/** What to make of a member's value. */
const enum Role {
  /**
   * A placeholder (presence and JSON type are what is read); also how members nobody reads are read: for their
   * syntax, the placeholder dropped.
   */
  Placeholder,
  /** The top-level metadata object. */
  Metadata,
  /** metadata.product. */
  Product,
  /** An OCSF attribute object or array the validator shape-checks one level into. */
  Attribute,
  /** A string whose exact value is needed. */
  Exact,
}

/** Relevant keys of an object, by their bytes: key → role of its value. */
class KeySet {
  /** Indexed by key length in bytes. */
  private readonly byLength: { key: string; bytes: Uint8Array; role: Role }[][] = [];

  constructor(entries: Iterable<readonly [string, Role]>) {
    for (const [key, role] of entries) {
      const bytes = Buffer.from(key, 'latin1');
      // A key listed again takes its later role.
      const list = (this.byLength[bytes.length] ?? []).filter((e) => e.key !== key);
      list.push({ key, bytes, role });
      this.byLength[bytes.length] = list;
    }
    for (let n = 0; n < this.byLength.length; n++) this.byLength[n] ??= [];
  }

  /** The relevant key spelled by bytes [from, to) (no escapes), or undefined. */
  find(b: Uint8Array, from: number, to: number): { key: string; role: Role } | undefined {
    const length = to - from;
    if (length >= this.byLength.length) return undefined;
    const list = this.byLength[length]!;
    outer: for (let e = 0; e < list.length; e++) {
      const k = list[e]!.bytes;
      for (let i = 0; i < length; i++) if (b[from + i] !== k[i]) continue outer;
      return list[e];
    }
    return undefined;
  }
}

const ATTRIBUTE_KEYS = new Set<string>(Object.keys(ATTRIBUTE_SHAPES));
const TOP_LEVEL = new KeySet([
  ...[...BASE_REQUIRED, 'type'].map((k) => [k, Role.Placeholder] as const),
  ['org_id', Role.Exact],
  ...OCSF_CLASSES.flatMap((c) => [...c.required, ...(c.atLeastOne ?? []), ...(c.justOne ?? [])]).map(
    (k) => [k, ATTRIBUTE_KEYS.has(k) ? Role.Attribute : Role.Placeholder] as const,
  ),
  ...[...ATTRIBUTE_KEYS].map((k) => [k, Role.Attribute] as const),
  ['metadata', Role.Metadata],
]);
const ATTRIBUTE_MEMBERS = new KeySet(
  Object.values(ATTRIBUTE_SHAPES).flatMap((s) => [...('required' in s ? (s.required ?? []) : []), ...('anyOf' in s ? (s.anyOf ?? []) : [])].map((k) => [k, Role.Placeholder] as const)),
);
const METADATA_MEMBERS = new KeySet([
  ['version', Role.Placeholder],
  ['product', Role.Product],
  ['uid', Role.Exact],
  ['tenant_uid', Role.Exact],
]);
const PRODUCT_MEMBERS = new KeySet([
  ['name', Role.Placeholder],
  ['uid', Role.Placeholder],
]);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Per byte inside a string: 1 for what ends the plain run (quote, backslash, control characters), 2 for the
 * bytes of a multi-byte UTF-8 sequence (counted for UTF-16 indexes, then skipped).
 */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;
for (let c = 0x80; c < 0x100; c++) STRING_STOP[c] = 2;
const HEX = new Uint8Array(256);
for (const c of Buffer.from('0123456789abcdefABCDEF', 'latin1')) HEX[c] = 1;
const ESCAPABLE = new Uint8Array(256);
for (const c of Buffer.from('"\\/bfnrtu', 'latin1')) ESCAPABLE[c] = 1;

/** Thrown to give up (caught in readEventSkeleton only). */
const GIVE_UP = Symbol('give up');

/** The cursor over one event's bytes. */
class Reader {
  pos: number;
  /** Set by readString: the value contains an escape. */
  escaped = false;
  /** Bytes so far that are not UTF-16 units of their own (continuation bytes, less one per 4-byte sequence). */
  extra = 0;
  /** Deepest nesting of objects and arrays so far (the event object is 1). */
  maxDepth = 0;
  /** UTF-16 index, from `start`, of the top-level metadata object's `{` (-1: none). */
  metadataObject = -1;
  /** "metadata" and "tenant_uid" keys so far, at any depth (asSent). */
  private metadataKeys = 0;
  private tenantKeys = 0;

  /**
   * `asSent`: also gives up on what makes a text unfit to be stored as sent (event-json.ts isStorableText):
   * line breaks between tokens, keys written with escapes, a repeated "metadata" or "tenant_uid" key.
   */
  constructor(
    readonly b: Buffer,
    readonly start: number,
    readonly end: number,
    readonly asSent: boolean,
  ) {
    this.pos = start;
  }

  skipSpace(): number {
    const b = this.b;
    let i = this.pos;
    let c = b[i];
    while (i < this.end && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) {
      if (c !== 0x20 && c !== 0x09 && this.asSent) throw GIVE_UP;
      c = b[++i];
    }
    this.pos = i;
    return i < this.end ? c! : -1;
  }

  /** At a quote: past the string's closing quote. */
  readString(): void {
    const b = this.b;
    const end = this.end;
    let i = this.pos + 1;
    let escaped = false;
    for (;;) {
      while (i < end && STRING_STOP[b[i]!] === 0) i++;
      if (i >= end) throw GIVE_UP;
      const c = b[i]!;
      if (c === QUOTE) break;
      if (c >= 0x80) {
        this.extra += c < 0xc0 ? 1 : c >= 0xf0 ? -1 : 0;
        i++;
        continue;
      }
      if (c !== BACKSLASH) throw GIVE_UP; // a control character: not JSON
      const e = b[i + 1]!;
      if (i + 1 >= end || ESCAPABLE[e] === 0) throw GIVE_UP;
      escaped = true;
      if (e === 0x75) {
        if (i + 5 >= end || !HEX[b[i + 2]!] || !HEX[b[i + 3]!] || !HEX[b[i + 4]!] || !HEX[b[i + 5]!]) throw GIVE_UP;
        i += 6;
      } else {
        i += 2;
      }
    }
    this.escaped = escaped;
    this.pos = i + 1;
  }

  /** A number (the grammar), its value when it is a plain integer of up to 15 digits, else via Number(). */
  readNumber(): number {
    const b = this.b;
    const end = this.end;
    const start = this.pos;
    let i = start;
    if (b[i] === 0x2d) i++;
    let value = 0;
    if (b[i] === 0x30) {
      i++;
    } else if (i < end && b[i]! >= 0x31 && b[i]! <= 0x39) {
      while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) value = value * 10 + (b[i++]! - 0x30);
    } else {
      throw GIVE_UP;
    }
    let plain = i - start <= 15;
    if (b[i] === 0x2e && i < end) {
      plain = false;
      i++;
      if (!(i < end && b[i]! >= 0x30 && b[i]! <= 0x39)) throw GIVE_UP;
      while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    }
    if ((b[i] === 0x65 || b[i] === 0x45) && i < end) {
      plain = false;
      i++;
      if ((b[i] === 0x2b || b[i] === 0x2d) && i < end) i++;
      if (!(i < end && b[i]! >= 0x30 && b[i]! <= 0x39)) throw GIVE_UP;
      while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    }
    this.pos = i;
    if (plain) return b[start] === 0x2d ? -value : value;
    return Number(b.toString('latin1', start, i));
  }

  literal(word: Uint8Array): void {
    const b = this.b;
    const i = this.pos;
    if (i + word.length > this.end) throw GIVE_UP;
    for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) throw GIVE_UP;
    this.pos = i + word.length;
  }

  /**
   * The value at pos (after whitespace), read as `role` asks; `depth` is the nesting of its container.
   * Returns the skeleton value.
   */
  value(role: Role, depth: number): unknown {
    const c = this.skipSpace();
    switch (c) {
      case 0x7b: // {
        if (depth >= MAX_DEPTH) throw GIVE_UP;
        if (role === Role.Metadata) {
          this.metadataObject = this.pos - this.start - this.extra;
          return this.object(METADATA_MEMBERS, depth + 1);
        }
        if (role === Role.Product) return this.object(PRODUCT_MEMBERS, depth + 1);
        if (role === Role.Attribute) return this.object(ATTRIBUTE_MEMBERS, depth + 1);
        this.object(undefined, depth + 1);
        return EMPTY_OBJECT;
      case 0x5b: // [
        if (depth >= MAX_DEPTH) throw GIVE_UP;
        return this.array(role === Role.Attribute, depth + 1);
      case QUOTE: {
        const start = this.pos;
        this.readString();
        if (role === Role.Exact) {
          if (this.escaped) throw GIVE_UP;
          return this.b.toString('utf8', start + 1, this.pos - 1);
        }
        return this.pos - start === 2 ? '' : STRING_PLACEHOLDER;
      }
      case 0x74: // t
        this.literal(TRUE);
        return true;
      case 0x66: // f
        this.literal(FALSE);
        return false;
      case 0x6e: // n
        this.literal(NULL);
        return null;
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.readNumber();
        throw GIVE_UP;
    }
  }

  /** At `{`: the object's relevant members (keys: undefined reads syntax only). */
  object(keys: KeySet | undefined, depth: number): Skeleton | undefined {
    // A plain object, as JSON.parse makes (no relevant key is an Object.prototype member).
    const out: Skeleton | undefined = keys ? {} : undefined;
    if (depth > this.maxDepth) this.maxDepth = depth;
    this.pos++;
    let c = this.skipSpace();
    if (c === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (c !== QUOTE) throw GIVE_UP;
      const keyStart = this.pos;
      this.readString();
      const keyEnd = this.pos;
      if (this.skipSpace() !== 0x3a) throw GIVE_UP;
      this.pos++;
      let entry: { key: string; role: Role } | undefined;
      // A key written with escapes could spell a relevant one: not read here.
      if (this.escaped && (keys || this.asSent)) throw GIVE_UP;
      if (this.asSent) this.countKey(keyStart + 1, keyEnd - 1);
      if (keys) entry = keys.find(this.b, keyStart + 1, keyEnd - 1);
      if (entry) {
        out![entry.key] = this.value(entry.role, depth);
      } else {
        this.value(Role.Placeholder, depth);
      }
      c = this.skipSpace();
      this.pos++;
      if (c === 0x7d) return out;
      if (c !== 0x2c) throw GIVE_UP;
      c = this.skipSpace();
    }
  }

  /** A repeated "metadata" or "tenant_uid" key (at any depth) gives up: json-elements.ts flags it. */
  private countKey(from: number, to: number): void {
    const length = to - from;
    if (length === 8 ? matches(this.b, from, METADATA) && ++this.metadataKeys > 1 : length === 10 && matches(this.b, from, TENANT_UID) && ++this.tenantKeys > 1) {
      throw GIVE_UP;
    }
  }

  /** At `[`: one placeholder per item when `keep`, else syntax only. */
  array(keep: boolean, depth: number): readonly unknown[] {
    const out: unknown[] | undefined = keep ? [] : undefined;
    if (depth > this.maxDepth) this.maxDepth = depth;
    this.pos++;
    let c = this.skipSpace();
    if (c === 0x5d) {
      this.pos++;
      return out ?? EMPTY_ARRAY;
    }
    for (;;) {
      const item = this.value(Role.Placeholder, depth);
      out?.push(item);
      c = this.skipSpace();
      this.pos++;
      if (c === 0x5d) return out ?? EMPTY_ARRAY;
      if (c !== 0x2c) throw GIVE_UP;
    }
  }
}

const TRUE = Buffer.from('true', 'latin1');
const FALSE = Buffer.from('false', 'latin1');
const NULL = Buffer.from('null', 'latin1');
const METADATA = Buffer.from('metadata', 'latin1');
const TENANT_UID = Buffer.from('tenant_uid', 'latin1');

/**
 * The skeleton of the JSON object in bytes [start, end) (exactly one value, whitespace around it allowed), or
 * undefined when it is not read here (not an object, not JSON, or something this reader leaves to JSON.parse).
 */
export function readEventSkeleton(bytes: Buffer, start: number, end: number): Skeleton | undefined {
  const reader = new Reader(bytes, start, end, false);
  try {
    if (reader.skipSpace() !== 0x7b) return undefined;
    const skeleton = reader.object(TOP_LEVEL, 1)!;
    return reader.skipSpace() === -1 ? skeleton : undefined;
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}

/**
 * An element of a JSON array body read in one go (intake/json-elements.ts ElementReader): the skeleton of the event
 * object starting exactly at `start`, with where it ends, its depth and its metadata object in `read` (as the
 * element scan would note them). Undefined, `read` untouched, when this reader leaves it to the scan: anything
 * readEventSkeleton gives up on, a value that is not an object, and what the scan would flag (a line break
 * between tokens, an escaped key, a repeated "metadata" or "tenant_uid" key), so that every element it reads is
 * one whose text may be stored as sent. The body must be valid UTF-8 (api/events-body.ts checks).
 */
export function readEventSkeletonAt(bytes: Buffer, start: number, limit: number, read: ReadElement): Skeleton | undefined {
  if (bytes[start] !== 0x7b) return undefined;
  const reader = new Reader(bytes, start, limit, true);
  try {
    const skeleton = reader.object(TOP_LEVEL, 1)!;
    read.end = reader.pos;
    read.depth = reader.maxDepth;
    read.metadataObject = reader.metadataObject;
    return skeleton;
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}
