/**
 * Free text (raw_data, message, status_detail, and every string under unmapped) may quote the values a transform
 * removed or rewrote: a raw log line with the e-mail address, "User alice signed in". Each exact occurrence of
 * such a value becomes what the field became: the marker when dropped or redacted, the pseudonym when hashed,
 * the truncated address for truncate_ip. Its JSON-escaped form is replaced too (raw_data often holds the source
 * JSON, where `O"Brien` reads `O\"Brien`). Case, other encodings (URL-, base64-) and values shorter than
 * MIN_SCRUB_LENGTH characters are not found: see README "What free text can and cannot guarantee".
 */
import { decodeJsonString } from './json-bytes.ts';

/** Shorter values would rewrite ordinary words of the text (a two-letter country code, "GET"…). */
export const MIN_SCRUB_LENGTH = 3;

export interface ScrubEntry {
  readonly text: string;
  replacement: string;
}

/** The values to scrub from one event's free text; the marker wins over any other replacement of the same value. */
export class ScrubSet {
  readonly #entries = new Map<string, ScrubEntry>();
  #pattern: RegExp | undefined;
  #lookup: Map<string, string> | undefined;

  constructor(private readonly marker: string) {}

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
    this.#pattern = undefined;
    this.#lookup = undefined;
  }

  add(text: string, replacement: string): void {
    if (text.length < MIN_SCRUB_LENGTH || text === replacement) return;
    const known = this.#entries.get(text);
    if (known) {
      if (replacement === this.marker) known.replacement = replacement;
      return;
    }
    this.#entries.set(text, { text, replacement });
    this.#pattern = undefined;
    this.#lookup = undefined;
  }

  /** The JSON string token [from, to) with every value scrubbed, or undefined when none occurs in it. */
  scrubToken(src: Uint8Array, from: number, to: number): Uint8Array | undefined {
    const text = decodeJsonString(src, from, to);
    // Most free text quotes none of the values: look before building the replacement pattern.
    let found = false;
    for (const e of this.#entries.values()) {
      if (text.includes(e.text) || (mayEscape(e.text) && text.includes(jsonEscaped(e.text)))) {
        found = true;
        break;
      }
    }
    if (!found) return undefined;
    const scrubbed = this.scrubText(text);
    return scrubbed === text ? undefined : Buffer.from(JSON.stringify(scrubbed), 'utf8');
  }

  /** One pass over `text`, longest values first, so a replacement is never itself rewritten. */
  scrubText(text: string): string {
    if (!this.#pattern) {
      const lookup = new Map<string, string>();
      for (const e of this.#entries.values()) {
        if (!lookup.has(e.text)) lookup.set(e.text, e.replacement);
        const escaped = jsonEscaped(e.text);
        if (!lookup.has(escaped)) lookup.set(escaped, jsonEscaped(e.replacement));
      }
      // Alternatives are tried in order at each position: longest first finds "alice@example.com" before "alice".
      const forms = [...lookup.keys()].sort((a, b) => b.length - a.length);
      this.#lookup = lookup;
      this.#pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
    }
    const lookup = this.#lookup!;
    return text.replace(this.#pattern, (m) => lookup.get(m) ?? m);
  }
}

/** Whether JSON writes `text` differently (quotes, backslashes, control characters). */
function mayEscape(text: string): boolean {
  return /["\\\u0000-\u001f]/.test(text);
}

function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
