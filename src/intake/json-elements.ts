/**
 * Finds where each top-level element of a JSON array (or an NDJSON line's value) starts and ends in the UTF-8
 * bytes of the body, without parsing or decoding it: brackets counted, strings skipped. On the way it notes what
 * decides whether the element's own text can be stored as the event (pipeline/event-json.ts) instead of
 * re-serialising the parsed event: line breaks between tokens, keys written with escapes, repeated "metadata" /
 * "tenant_uid" keys, and where the top-level metadata object starts (to splice fields into it).
 *
 * Why bytes: each element is then decoded on its own (api/events-body.ts), and V8 decodes 1,000 one-KB elements
 * ~7x faster than the one 1 MB body once a single non-ASCII character sends the whole body down its slow path;
 * and a loop over a Uint8Array runs ~3x faster than one over a string's charCodeAt (Node 20, this machine).
 * Structural characters are ASCII and never occur inside a UTF-8 multi-byte sequence, so byte offsets are
 * exact boundaries whatever the text holds.
 *
 * The result is a flat Int32Array (Elements), no object per element: cheap to build and to read.
 * An ElementReader may read elements itself on the way (jsonArrayElements).
 *
 * The validator of each element is JSON.parse, or for an event stored as sent the strict reader of
 * pipeline/event-skeleton.ts: this scan only has to find boundaries correctly for
 * well-formed input and to notice broken top-level structure, never to accept invalid JSON.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LF = 0x0a;
const CR = 0x0d;

/** 1 for bytes a string holds as they are and this scan need not look at: ASCII other than `"` and `\\`. */
const STRING_PLAIN = new Uint8Array(256);
for (let c = 0; c < 0x80; c++) STRING_PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;

/** 1 for the bytes a JSON value can start with: `{ [ "`, a minus sign, a digit, and t f n (true, false, null). */
const VALUE_START = new Uint8Array(256);
for (const c of Buffer.from('{["-0123456789tfn', 'latin1')) VALUE_START[c] = 1;

const isSpace = (c: number) => c === 0x20 || c === LF || c === CR || c === 0x09;

/** Element flags. */
export const LINE_BREAK = 1;
/** A key containing a backslash escape (it may spell a key differently from how it reads). */
export const ESCAPED_KEY = 2;
/** The key "metadata" more than once, at any depth. */
export const REPEATED_METADATA = 4;
/** The key "tenant_uid" more than once, at any depth. */
export const REPEATED_TENANT = 8;
/** Set by the caller: the body is not valid UTF-8, so the decoded text (U+FFFD for bad bytes) is not what was sent. */
export const NOT_UTF8 = 16;
/** An NDJSON line that is not exactly one JSON value: its element is the whole line (JSON.parse judges it). */
export const NOT_ONE_VALUE = 32;

/**
 * Per element: start, end (byte offsets: bytes.subarray(start, end)), deepest nesting, flags, and where the
 * top-level metadata `{` is as a UTF-16 index into the element's decoded text (-1: none).
 */
const FIELDS = 5;

/** The elements found in a body; `data` may be longer than count × 5 (growth room). */
export class Elements {
  constructor(
    readonly data: Int32Array,
    readonly count: number,
  ) {}

  start(i: number): number {
    return this.data[i * FIELDS]!;
  }
  end(i: number): number {
    return this.data[i * FIELDS + 1]!;
  }
  /** Deepest nesting of objects/arrays (0 for a scalar). */
  depth(i: number): number {
    return this.data[i * FIELDS + 2]!;
  }
  flags(i: number): number {
    return this.data[i * FIELDS + 3]!;
  }
  /** Adds `flag` to every element's flags. */
  flagAll(flag: number): void {
    for (let i = 0; i < this.count; i++) this.data[i * FIELDS + 3] = this.data[i * FIELDS + 3]! | flag;
  }
  /**
   * Index, in the element's decoded text (UTF-16 units from its start), of the `{` of its top-level "metadata"
   * object; -1 when there is none. Exact for valid UTF-8 (scanEventsBody refuses to store texts otherwise).
   */
  metadataObject(i: number): number {
    return this.data[i * FIELDS + 4]!;
  }
}

/** Appends elements to a growing Int32Array. */
class ElementWriter {
  data: Int32Array;
  count = 0;

  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(1, capacity) * FIELDS);
  }

  /** Starts element `count` at `start`; its fields are written by scanValue. Returns its offset in data. */
  open(start: number): number {
    if ((this.count + 1) * FIELDS > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const at = this.count * FIELDS;
    this.data[at] = start;
    this.data[at + 2] = 0;
    this.data[at + 3] = 0;
    this.data[at + 4] = -1;
    return at;
  }

  /** Adds an element an ElementReader read: no flags (it gives up on everything the scan would flag). */
  add(start: number, read: ReadElement): number {
    const at = this.open(start);
    this.data[at + 1] = read.end;
    this.data[at + 2] = read.depth;
    this.data[at + 4] = read.metadataObject;
    this.count++;
    return read.end;
  }

  done(): Elements {
    return new Elements(this.data, this.count);
  }
}

/** An element table as plain data (it crosses between threads): Elements' data and count. */
export type ElementTable = Pick<Elements, 'data' | 'count'>;

/** What an ElementReader found out about the element it read (the fields of Elements). */
export interface ReadElement {
  end: number;
  depth: number;
  metadataObject: number;
}

/**
 * Reads element `index`, which starts at `start` (a byte that is not whitespace), on its own terms: true when it
 * read it (setting `read`), false to leave it to this scan. A reader that accepts an element must have read it
 * exactly as the scan would have (same end, depth and metadata position) and give up on everything the scan
 * flags (line breaks, escaped keys, repeated "metadata" / "tenant_uid" keys): elements it reads get no flags.
 * pipeline/event-skeleton.ts readEventSkeletonAt is one, so that an event is read once instead of scanned and
 * then read.
 */
export type ElementReader = (bytes: Uint8Array, start: number, limit: number, index: number, read: ReadElement) => boolean;

/**
 * The elements of `bytes` when it is a JSON array (surrounding whitespace allowed); undefined when it is not
 * one or its top-level structure is broken (the caller then parses the whole text and reports that error).
 */
export function jsonArrayElements(bytes: Uint8Array, reader?: ElementReader): Elements | undefined {
  // ~1 KB per event is typical; the writer grows when events are smaller.
  const out = new ElementWriter(bytes.length >> 10);
  const read: ReadElement = { end: 0, depth: 0, metadataObject: -1 };
  let i = skipSpace(bytes, 0, bytes.length);
  if (bytes[i] !== OPEN_BRACKET) return undefined;
  i = skipSpace(bytes, i + 1, bytes.length);
  if (bytes[i] === CLOSE_BRACKET) return skipSpace(bytes, i + 1, bytes.length) === bytes.length ? out.done() : undefined;
  for (;;) {
    const end = reader?.(bytes, i, bytes.length, out.count, read) ? out.add(i, read) : scanValue(bytes, i, bytes.length, out);
    if (end < 0) return undefined;
    i = skipSpace(bytes, end, bytes.length);
    const c = bytes[i];
    if (c === COMMA) {
      i = skipSpace(bytes, i + 1, bytes.length);
    } else if (c === CLOSE_BRACKET) {
      return skipSpace(bytes, i + 1, bytes.length) === bytes.length ? out.done() : undefined;
    } else {
      return undefined;
    }
  }
}

/**
 * The non-blank lines of NDJSON `bytes` (split at LF; CR is whitespace), one element each: the line's value when
 * it holds exactly one, else the whole line flagged NOT_ONE_VALUE. A line with no JSON value asks `blank(from,
 * to)` (the caller may count other whitespace as blank, e.g. U+00A0): blank lines have no element.
 */
export function ndjsonLines(bytes: Uint8Array, blank: (from: number, to: number) => boolean): Elements {
  const out = new ElementWriter(bytes.length >> 10);
  for (let from = 0; from < bytes.length; ) {
    let to = bytes.indexOf(LF, from);
    if (to < 0) to = bytes.length;
    const start = skipSpace(bytes, from, to);
    if (start < to) {
      const count = out.count;
      // A line whose first byte cannot start a JSON value holds none: it may be whitespace JSON does not know but
      // String#trim does (U+00A0, \v, \f), which `blank` then tells.
      const end = VALUE_START[bytes[start]!] === 1 ? scanValue(bytes, start, to, out) : -1;
      if (end < 0 || skipSpace(bytes, end, to) !== to) {
        out.count = count;
        if (!blank(from, to)) {
          const at = out.open(from);
          out.data[at + 1] = to;
          out.data[at + 3] = NOT_ONE_VALUE;
          out.count++;
        }
      }
    }
    from = to + 1;
  }
  return out.done();
}

/** Scans the value starting at `start` (before `limit`) into a new element of `out`; returns its end, or -1 when it does not end there. */
function scanValue(bytes: Uint8Array, start: number, limit: number, out: ElementWriter): number {
  const first = bytes[start];
  let end: number;
  if (start >= limit) {
    end = -1;
  } else if (first === QUOTE) {
    end = skipString(bytes, start, limit);
  } else if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter (JSON.parse judges the token).
    let i = start;
    for (let c = bytes[i]!; i < limit && c !== COMMA && c !== CLOSE_BRACKET && c !== CLOSE_BRACE && !isSpace(c); c = bytes[++i]!);
    end = i === start ? -1 : i;
  } else {
    return scanComposite(bytes, start, limit, out);
  }
  if (end < 0) return -1;
  const at = out.open(start);
  out.data[at + 1] = end;
  out.count++;
  return end;
}

/**
 * An object or array. `extra` counts the bytes that are not UTF-16 units of their own (continuation bytes,
 * less one per 4-byte sequence: those are two units), so that byte offset - extra is the text index.
 */
function scanComposite(bytes: Uint8Array, start: number, limit: number, out: ElementWriter): number {
  const at = out.open(start);
  const data = out.data;
  let depth = 0;
  let maxDepth = 0;
  let flags = 0;
  let metadataKeys = 0;
  let tenantKeys = 0;
  let extra = 0;
  let i = start;
  while (i < limit) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      // The string, byte by byte: strings here are short, and Buffer#indexOf is a native call per string.
      const open = i;
      let escaped = false;
      i++;
      for (;;) {
        // Plain ASCII runs first: one table lookup per byte.
        while (i < limit && STRING_PLAIN[bytes[i]!] === 1) i++;
        if (i >= limit) return -1;
        const s = bytes[i]!;
        if (s === QUOTE) break;
        if (s === BACKSLASH) {
          escaped = true;
          i += 2;
          continue;
        }
        if (s >= 0x80) extra += s < 0xc0 ? 1 : s >= 0xf0 ? -1 : 0;
        i++;
      }
      i++;
      let after = i;
      while (after < limit && isSpace(bytes[after]!)) after++;
      if (bytes[after] === COLON && after < limit) {
        // A key.
        const length = i - open;
        if (escaped) {
          flags |= ESCAPED_KEY;
        } else if (length === 10 && matches(bytes, open, METADATA_KEY)) {
          metadataKeys++;
          if (depth === 1) {
            const value = skipSpace(bytes, after + 1, limit);
            if (bytes[value] === OPEN_BRACE && value < limit) data[at + 4] = value - start - extra;
          }
        } else if (length === 12 && matches(bytes, open, TENANT_KEY)) {
          tenantKeys++;
        }
      }
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) maxDepth = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) {
        if (metadataKeys > 1) flags |= REPEATED_METADATA;
        if (tenantKeys > 1) flags |= REPEATED_TENANT;
        data[at + 1] = i + 1;
        data[at + 2] = maxDepth;
        data[at + 3] = flags;
        out.count++;
        return i + 1;
      }
    } else if (c === LF || c === CR) {
      flags |= LINE_BREAK;
    } else if (c >= 0x80) {
      // Not JSON (JSON.parse will say so), but keep the text index right anyway.
      extra += c < 0xc0 ? 1 : c >= 0xf0 ? -1 : 0;
    }
    i++;
  }
  return -1;
}

const METADATA_KEY = Buffer.from('"metadata"');
const TENANT_KEY = Buffer.from('"tenant_uid"');

/** `bytes` at `at` spell `key`. */
export function matches(bytes: Uint8Array, at: number, key: Uint8Array): boolean {
  for (let k = 0; k < key.length; k++) if (bytes[at + k] !== key[k]) return false;
  return true;
}

/** `bytes[start]` is a quote: the index after the closing quote, or -1. */
function skipString(bytes: Uint8Array, start: number, limit: number): number {
  for (let i = start + 1; i < limit; i++) {
    const c = bytes[i];
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i++;
  }
  return -1;
}

function skipSpace(bytes: Uint8Array, i: number, limit: number): number {
  while (i < limit && isSpace(bytes[i]!)) i++;
  return i;
}
