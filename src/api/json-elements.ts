/**
 * Finds where each top-level element of a JSON array (or an NDJSON line's value) starts and ends, without
 * parsing: strings are skipped with indexOf, brackets counted. On the way it notes what decides whether the
 * element's own text can be stored as the event (pipeline/event-json.ts) instead of re-serialising the parsed
 * event: line breaks between tokens, keys written with escapes, repeated "metadata" / "tenant_uid" keys, and
 * where the top-level metadata object starts (to splice fields into it).
 *
 * The result is a flat Int32Array (Elements), no object per element: cheap to build, and transferred as is to
 * the thread that parses the elements (src/store/sqlite/append-worker.ts).
 *
 * JSON.parse of each element stays the validator: this scan only has to find boundaries correctly for
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

const isSpace = (c: number) => c === 0x20 || c === LF || c === CR || c === 0x09;

/** Element flags. */
export const LINE_BREAK = 1;
/** A key containing a backslash escape (it may spell a key differently from how it reads). */
export const ESCAPED_KEY = 2;
/** The key "metadata" more than once, at any depth. */
export const REPEATED_METADATA = 4;
/** The key "tenant_uid" more than once, at any depth. */
export const REPEATED_TENANT = 8;

/** Per element: start, end (text.slice(start, end)), deepest nesting, flags, index of the top-level metadata `{` (-1: none). */
const FIELDS = 5;

/** The elements found in a text; `data` may be longer than count × 5 (growth room). */
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
  /** Index in the text of the `{` of the element's top-level "metadata" object; -1 when there is none. */
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

  done(): Elements {
    return new Elements(this.data, this.count);
  }
}

/**
 * The elements of `text` when it is a JSON array (surrounding whitespace allowed); undefined when it is not
 * one or its top-level structure is broken (the caller then parses the whole text and reports that error).
 */
export function jsonArrayElements(text: string): Elements | undefined {
  const backslashes = new Backslashes(text);
  // ~1 KB per event is typical; the writer grows when events are smaller.
  const out = new ElementWriter(text.length >> 10);
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACKET) return undefined;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return skipSpace(text, i + 1) === text.length ? out.done() : undefined;
  for (;;) {
    const end = scanValue(text, i, backslashes, out);
    if (end < 0) return undefined;
    i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i = skipSpace(text, i + 1);
    } else if (c === CLOSE_BRACKET) {
      return skipSpace(text, i + 1) === text.length ? out.done() : undefined;
    } else {
      return undefined;
    }
  }
}

/** The one value of `text` with only whitespace around it (an NDJSON line): an Elements of one; undefined otherwise. */
export function soleValue(text: string): Elements | undefined {
  const out = new ElementWriter(1);
  const end = scanValue(text, skipSpace(text, 0), new Backslashes(text), out);
  return end >= 0 && skipSpace(text, end) === text.length ? out.done() : undefined;
}

/** Scans the value starting at `start` into a new element of `out`; returns its end, or -1 when it does not end inside `text`. */
function scanValue(text: string, start: number, backslashes: Backslashes, out: ElementWriter): number {
  const first = text.charCodeAt(start);
  let end: number;
  if (first === QUOTE) {
    end = skipString(text, start);
  } else if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter (JSON.parse judges the token).
    let i = start;
    for (let c = text.charCodeAt(i); i < text.length && c !== COMMA && c !== CLOSE_BRACKET && c !== CLOSE_BRACE && !isSpace(c); c = text.charCodeAt(++i));
    end = i === start ? -1 : i;
  } else {
    return scanComposite(text, start, backslashes, out);
  }
  if (end < 0) return -1;
  const at = out.open(start);
  out.data[at + 1] = end;
  out.count++;
  return end;
}

function scanComposite(text: string, start: number, backslashes: Backslashes, out: ElementWriter): number {
  const at = out.open(start);
  const data = out.data;
  let depth = 0;
  let maxDepth = 0;
  let flags = 0;
  let metadataKeys = 0;
  let tenantKeys = 0;
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = skipString(text, i);
      if (end < 0) return -1;
      let after = end;
      while (isSpace(text.charCodeAt(after))) after++;
      if (text.charCodeAt(after) === COLON) {
        const length = end - i;
        if (backslashes.within(i, end)) {
          flags |= ESCAPED_KEY;
        } else if (length === 10 && text.startsWith('"metadata"', i)) {
          metadataKeys++;
          if (depth === 1) {
            const value = skipSpace(text, after + 1);
            if (text.charCodeAt(value) === OPEN_BRACE) data[at + 4] = value;
          }
        } else if (length === 12 && text.startsWith('"tenant_uid"', i)) {
          tenantKeys++;
        }
      }
      i = end;
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
    }
    i++;
  }
  return -1;
}

/**
 * Answers "is there a backslash in [from, to)?" for ranges met left to right, scanning the text for
 * backslashes once in all (most texts have none at all), so keys need no char-by-char look.
 */
class Backslashes {
  readonly #text: string;
  /** The first backslash at or after the last `from` asked about; -1: none left. */
  #next: number;

  constructor(text: string) {
    this.#text = text;
    this.#next = text.indexOf('\\');
  }

  within(from: number, to: number): boolean {
    if (this.#next >= 0 && this.#next < from) this.#next = this.#text.indexOf('\\', from);
    return this.#next >= 0 && this.#next < to;
  }
}

/** `text[start]` is a quote: the index after the closing quote, or -1. */
function skipString(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) return -1;
    // Escaped when preceded by an odd number of backslashes.
    let b = q - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}
