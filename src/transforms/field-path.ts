/**
 * Field paths of a transform: OCSF attribute names joined by dots, `[]` after a name for "every element of this
 * array": `actor.user.email_addr`, `observables[].value`, `privileges[]`. Names are letters, digits, `_` and `-`
 * (every OCSF attribute, and the usual keys under `unmapped`); a key with other characters cannot be named, its
 * parent can.
 */

export interface PathSegment {
  readonly name: string;
  /** `name[]`: the path continues into every element of the array. */
  readonly array: boolean;
}

export type FieldPath = readonly PathSegment[];

export const MAX_PATH_LENGTH = 256;
export const MAX_PATH_SEGMENTS = 32;

const NAME_CHAR = /[A-Za-z0-9_-]/;

export type ParsedPath = { ok: true; path: FieldPath } | { ok: false; error: string };

export function parseFieldPath(text: unknown): ParsedPath {
  if (typeof text !== 'string') return { ok: false, error: 'must be a string' };
  if (text.length === 0) return { ok: false, error: 'must not be empty' };
  if (text.length > MAX_PATH_LENGTH) return { ok: false, error: `must be at most ${MAX_PATH_LENGTH} characters` };
  const segments: PathSegment[] = [];
  let i = 0;
  while (i <= text.length) {
    const start = i;
    while (i < text.length && NAME_CHAR.test(text[i]!)) i++;
    if (i === start) {
      const what = i === text.length ? 'the end' : `"${text[i]}"`;
      return { ok: false, error: malformed(text, i, `expected an attribute name, found ${what}`) };
    }
    let array = false;
    if (text.startsWith('[]', i)) {
      array = true;
      i += 2;
    }
    segments.push({ name: text.slice(start, i - (array ? 2 : 0)), array });
    if (i === text.length) break;
    if (text[i] !== '.') {
      return { ok: false, error: malformed(text, i, `unexpected "${text[i]}" (names are letters, digits, _ and -, each optionally followed by [])`) };
    }
    i++;
  }
  if (segments.length > MAX_PATH_SEGMENTS) return { ok: false, error: `must have at most ${MAX_PATH_SEGMENTS} segments` };
  return { ok: true, path: segments };
}

function malformed(text: string, at: number, reason: string): string {
  return `malformed path "${text}" at character ${at + 1}: ${reason}`;
}

export function formatFieldPath(path: FieldPath): string {
  return path.map((s) => (s.array ? `${s.name}[]` : s.name)).join('.');
}

/**
 * True when `inner` lies inside what `outer` names: `outer` is a prefix of `inner`, segment by segment; a last
 * `outer` segment without `[]` also covers the array elements (`observables` covers `observables[].value`).
 */
export function pathCovers(outer: FieldPath, inner: FieldPath): boolean {
  if (outer.length > inner.length) return false;
  for (let i = 0; i < outer.length; i++) {
    const o = outer[i]!;
    const n = inner[i]!;
    if (o.name !== n.name) return false;
    const last = i === outer.length - 1;
    if (o.array !== n.array && !(last && !o.array)) return false;
  }
  return true;
}
