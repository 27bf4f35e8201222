/**
 * Free text (raw_data, message, status_detail, and every string under unmapped) may quote the values a transform
 * removed or rewrote: a raw log line with the e-mail address, "User alice signed in". Each exact occurrence of
 * such a value becomes what the field became: the marker when dropped or redacted, the pseudonym when hashed,
 * the truncated address for truncate_ip. Its JSON-escaped form is replaced too (raw_data often holds the source
 * JSON, where `O"Brien` reads `O\"Brien`). Case, other encodings (URL-, base64-) and values shorter than
 * MIN_SCRUB_LENGTH characters are not found: see README "What free text can and cannot guarantee".
 *
 * The values are remembered as byte ranges of the event and looked for byte by byte: most free text quotes none
 * of them, and then nothing is decoded or built.
 */
import { BACKSLASH, decodeJsonString, hasByte, utf8Text } from './json-bytes.ts';

/** Shorter values would rewrite ordinary words of the text (a two-letter country code, "GET"…). */
export const MIN_SCRUB_LENGTH = 3;

/** The values to scrub from one event's free text; the marker wins over any other replacement of the same value. */
export class ScrubSet {
  private src: Uint8Array = new Uint8Array(0);
  /** Per value: its bytes in the event (a string's without quotes), whether they hold escapes, its replacement. */
  private readonly from: number[] = [];
  private readonly to: number[] = [];
  private readonly escaped: boolean[] = [];
  private readonly replacements: string[] = [];

  constructor(private readonly marker: string) {}

  get size(): number {
    return this.from.length;
  }

  reset(src: Uint8Array): void {
    this.src = src;
    this.from.length = 0;
    this.to.length = 0;
    this.escaped.length = 0;
    this.replacements.length = 0;
  }

  /** A removed or rewritten scalar token [from, to) of the event (a string with its quotes, or a number). */
  addToken(from: number, to: number, replacement: string): void {
    const src = this.src;
    const isString = src[from] === 0x22;
    const a = isString ? from + 1 : from;
    const b = isString ? to - 1 : to;
    if (b - a < MIN_SCRUB_LENGTH) return;
    this.from.push(a);
    this.to.push(b);
    this.escaped.push(isString && hasByte(src, BACKSLASH, a, b));
    this.replacements.push(replacement);
  }

  /** The JSON string token [from, to) of the event with every value scrubbed, or undefined when none occurs in it. */
  scrubToken(from: number, to: number): Uint8Array | undefined {
    const src = this.src;
    let text: string | undefined;
    let found = false;
    if (!hasByte(src, BACKSLASH, from + 1, to - 1)) {
      // Without escapes the token's bytes are its text's: compare bytes, decode nothing.
      for (let k = 0; k < this.from.length && !found; k++) {
        if (this.escaped[k]) {
          text ??= utf8Text(src, from + 1, to - 1);
          found = text.includes(this.value(k));
        } else found = containsRange(src, from + 1, to - 1, this.from[k]!, this.to[k]!);
      }
    } else {
      text = decodeJsonString(src, from, to);
      for (let k = 0; k < this.from.length && !found; k++) {
        const v = this.value(k);
        found = text.includes(v) || text.includes(jsonEscaped(v));
      }
    }
    if (!found) return undefined;
    text ??= utf8Text(src, from + 1, to - 1);
    const scrubbed = this.scrubText(text);
    return scrubbed === text ? undefined : Buffer.from(JSON.stringify(scrubbed), 'utf8');
  }

  /** One pass over `text`, longest values first, so that a replacement is never itself rewritten. */
  scrubText(text: string): string {
    const lookup = new Map<string, string>();
    const set = (form: string, replacement: string) => {
      if (form.length < MIN_SCRUB_LENGTH || form === replacement) return;
      const known = lookup.get(form);
      if (known === undefined || replacement === this.marker) lookup.set(form, replacement);
    };
    for (let k = 0; k < this.from.length; k++) {
      const v = this.value(k);
      set(v, this.replacements[k]!);
      set(jsonEscaped(v), jsonEscaped(this.replacements[k]!));
    }
    if (lookup.size === 0) return text;
    // Alternatives are tried in order at each position: longest first finds "alice@example.com" before "alice".
    const forms = [...lookup.keys()].sort((a, b) => b.length - a.length);
    return text.replace(new RegExp(forms.map(escapeRegExp).join('|'), 'g'), (m) => lookup.get(m) ?? m);
  }

  private value(k: number): string {
    const a = this.from[k]!;
    const b = this.to[k]!;
    return this.escaped[k] ? decodeJsonString(this.src, a - 1, b + 1) : utf8Text(this.src, a, b);
  }
}

/** Whether bytes [from, to) contain the bytes [needleFrom, needleTo) of the same array. */
function containsRange(src: Uint8Array, from: number, to: number, needleFrom: number, needleTo: number): boolean {
  const m = needleTo - needleFrom;
  if (to - from < m) return false;
  const first = src[needleFrom];
  for (let i = from, last = to - m; i <= last; i++) {
    if (src[i] !== first) continue;
    let j = 1;
    while (j < m && src[i + j] === src[needleFrom + j]) j++;
    if (j === m) return true;
  }
  return false;
}

function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
