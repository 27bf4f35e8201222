/**
 * How Splunk HEC reads an /event body (protocols.md §1.4, §1.11): a stream of concatenated top-level JSON
 * objects, optionally whitespace-separated, validated one by one. Used by the strict mock receiver.
 */

export interface HecRejection {
  status: number;
  code: number;
  text: string;
}

export type StreamItem = { ok: true; value: Record<string, unknown> } | { ok: false; rejection: HecRejection };

export const INVALID_DATA_FORMAT: HecRejection = { status: 400, code: 6, text: 'Invalid data format' };

/**
 * Splits the body into top-level objects, in order. Stops at the first thing that is not a complete, valid JSON
 * object (a top-level array or scalar, a truncated or malformed object): that item is a code-6 rejection.
 */
export function* splitEnvelopeStream(text: string): Generator<StreamItem> {
  let i = 0;
  for (;;) {
    while (i < text.length && isJsonWhitespace(text.charCodeAt(i))) i++;
    if (i >= text.length) return;
    // Arrays and scalars at top level are not envelopes (Splunk answers "Invalid data format").
    if (text[i] !== '{') {
      yield { ok: false, rejection: INVALID_DATA_FORMAT };
      return;
    }
    const end = objectEnd(text, i);
    if (end === -1) {
      yield { ok: false, rejection: INVALID_DATA_FORMAT };
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text.slice(i, end));
    } catch {
      yield { ok: false, rejection: INVALID_DATA_FORMAT };
      return;
    }
    yield { ok: true, value: value as Record<string, unknown> };
    i = end;
  }
}

/** Index just past the `}` closing the object that starts at `start`, or -1 when the text ends first. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let j = start; j < text.length; j++) {
    const ch = text[j];
    if (inString) {
      if (ch === '\\') j++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === '{' || ch === '[') {
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

const ENVELOPE_KEYS = new Set(['event', 'time', 'host', 'source', 'sourcetype', 'index', 'fields']);
const METADATA_KEYS = ['host', 'source', 'sourcetype', 'index'] as const;

/** Per-envelope checks, in the order Splunk reports them; undefined = accepted. */
export function checkEnvelope(env: Record<string, unknown>, allowedIndexes?: readonly string[]): HecRejection | undefined {
  // Real Splunk silently drops some unknown-key objects (protocols.md §1.4); a strict mock rejects them.
  for (const key of Object.keys(env)) if (!ENVELOPE_KEYS.has(key)) return INVALID_DATA_FORMAT;
  if (!('event' in env)) return { status: 400, code: 12, text: 'Event field is required' };
  const event = env.event;
  if (event === null || event === false) return INVALID_DATA_FORMAT;
  if (typeof event === 'string' && event.trim() === '') return { status: 400, code: 13, text: 'Event field cannot be blank' };
  if ('time' in env && !isHecTime(env.time)) return INVALID_DATA_FORMAT;
  for (const key of METADATA_KEYS) if (key in env && typeof env[key] !== 'string') return INVALID_DATA_FORMAT;
  if (allowedIndexes && typeof env.index === 'string' && !allowedIndexes.includes(env.index)) {
    return { status: 400, code: 7, text: 'Incorrect index' };
  }
  if ('fields' in env && !isFlatFields(env.fields)) return { status: 400, code: 15, text: 'Error in handling indexed fields' };
  return undefined;
}

/** Epoch seconds as a JSON number or a numeric string ("1718020800.123"). */
function isHecTime(t: unknown): boolean {
  if (typeof t === 'number') return Number.isFinite(t) && t >= 0;
  return typeof t === 'string' && /^\d+(\.\d+)?$/.test(t);
}

/** Indexed fields: an object whose values are strings or arrays of strings. */
function isFlatFields(f: unknown): boolean {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) return false;
  return Object.values(f).every((v) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')));
}
