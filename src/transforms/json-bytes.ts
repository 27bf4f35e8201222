/**
 * Byte-level reading of JSON text (UTF-8): finding where a value ends without building it. The structural
 * characters of JSON are ASCII, so they can be found in UTF-8 bytes directly. Inputs are stored events (valid
 * JSON); the readers still never run past the end, and report malformed text instead.
 */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;

export class MalformedJsonError extends Error {
  constructor(at: number) {
    super(`event JSON is malformed at byte ${at}`);
  }
}

export function isWhitespace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export function skipWhitespace(src: Uint8Array, i: number): number {
  while (i < src.length && isWhitespace(src[i])) i++;
  return i;
}

/** From the opening quote to just after the closing one. */
export function skipString(src: Uint8Array, i: number): number {
  const n = src.length;
  for (i++; i < n; i++) {
    const c = src[i];
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i++;
  }
  throw new MalformedJsonError(n);
}

/** Just after a number, `true`, `false` or `null`. */
export function skipScalar(src: Uint8Array, i: number): number {
  const start = i;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === COMMA || c === RBRACE || c === RBRACKET || isWhitespace(c)) break;
    if (c === QUOTE || c === LBRACE || c === LBRACKET || c === COLON) throw new MalformedJsonError(i);
    i++;
  }
  if (i === start) throw new MalformedJsonError(i);
  return i;
}

/** Byte classes for skipping containers: one table read per byte instead of four comparisons. */
const OPENS = 1;
const CLOSES = 2;
const STRING = 3;
const CLASS = new Uint8Array(256);
CLASS[LBRACE] = OPENS;
CLASS[LBRACKET] = OPENS;
CLASS[RBRACE] = CLOSES;
CLASS[RBRACKET] = CLOSES;
CLASS[QUOTE] = STRING;

/** Just after the value starting at `i` (which must not be whitespace). */
export function skipValue(src: Uint8Array, i: number): number {
  const c = src[i];
  if (c === QUOTE) return skipString(src, i);
  if (c !== LBRACE && c !== LBRACKET) return skipScalar(src, i);
  const n = src.length;
  let depth = 0;
  for (; i < n; i++) {
    const k = CLASS[src[i]!];
    if (k === 0) continue;
    if (k === STRING) {
      // The string is skipped here rather than by a call: containers are mostly strings.
      for (i++; i < n; i++) {
        const b = src[i];
        if (b === QUOTE) break;
        if (b === BACKSLASH) i++;
      }
    } else if (k === OPENS) {
      depth++;
    } else if (--depth === 0) {
      return i + 1;
    }
  }
  throw new MalformedJsonError(n);
}

/** Whether bytes [from, to) contain `byte`. */
export function hasByte(src: Uint8Array, byte: number, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (src[i] === byte) return true;
  return false;
}

/** Whether bytes [from, to) equal `name`. */
export function bytesEqual(src: Uint8Array, from: number, to: number, name: Uint8Array): boolean {
  if (to - from !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (src[from + i] !== name[i]) return false;
  return true;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export function utf8Text(src: Uint8Array, from: number, to: number): string {
  return src instanceof Buffer ? src.toString('utf8', from, to) : decoder.decode(src.subarray(from, to));
}

/** The string a JSON string token [from, to) (quotes included) stands for. */
export function decodeJsonString(src: Uint8Array, from: number, to: number): string {
  if (!hasByte(src, BACKSLASH, from + 1, to - 1)) return utf8Text(src, from + 1, to - 1);
  return JSON.parse(utf8Text(src, from, to)) as string;
}
