/**
 * The body of POST /v1/events → the published events (SPEC §6). Three forms: a JSON array, `{"events": [...]}`,
 * or NDJSON (each non-empty line one event; a line that is not JSON is rejected with its index, the others are
 * kept). `Content-Encoding: gzip` is decompressed with the same 10 MB cap as the wire body, so a small
 * compressed body cannot expand without bound (zip bomb → 413).
 *
 * Three steps, so that the work can be split between threads: readEventsBody (the request stream → text:
 * decompressed on the thread pool, decoded chunk by chunk, never concatenated into one more Buffer),
 * scanEventsBody (where a JSON array's elements are: json-elements.ts) and parseScannedBody (JSON.parse of each
 * element: with SQLite the append worker does this, see pipeline/publish-body.ts). Elements are parsed one by
 * one so that each event's own text can be stored as is; `{"events": [...]}` is parsed whole (its events are
 * re-serialised). parseEventsBody = the last two.
 */
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { SiemError, ValidationError } from '../errors.ts';
import type { RejectedEvent } from '../pipeline/publish.ts';
import { isStorableText, type SentText } from '../pipeline/event-json.ts';
import { Elements, jsonArrayElements, soleValue } from './json-elements.ts';

export const EVENTS_BODY_LIMIT = 10 * 1024 * 1024;
export const MAX_EVENTS_PER_REQUEST = 100_000;

export type EventsBodyFormat = 'json' | 'ndjson';

export interface EventsBody {
  /** The events to publish. */
  events: readonly unknown[];
  /** The JSON text events[i] was sent as, when it may be stored as is (pipeline/event-json.ts); null when none may. */
  texts: (SentText | undefined)[] | null;
  /** Original index (in the request) of events[i]; null when they are the same (no rejected lines). */
  positions: number[] | null;
  /** NDJSON lines that are not JSON, with their index. */
  unparsable: RejectedEvent[];
}

/** A decoded body and, for a JSON array, where its elements are (plain data: it crosses to a worker). */
export interface ScannedBody {
  text: string;
  format: EventsBodyFormat;
  /** Elements' table (json-elements.ts) of a JSON array; absent for NDJSON and non-array JSON (parsed whole). */
  elements?: { data: Int32Array; count: number };
}

export const tooLarge = (message: string) => new SiemError('SIEM_ERR_PAYLOAD_TOO_LARGE', 413, message);

const tooManyEvents = () => tooLarge(`At most ${MAX_EVENTS_PER_REQUEST} events per request`);

/** The body's text → its events (throws a SiemError for a body that is refused as a whole). */
export function parseEventsBody(body: string, format: EventsBodyFormat): EventsBody {
  return parseScannedBody(scanEventsBody(body, format));
}

/** Finds a JSON array's elements (no JSON.parse yet); 413 for more than 100,000 elements. */
export function scanEventsBody(body: string, format: EventsBodyFormat): ScannedBody {
  const text = stripBom(body);
  if (format === 'ndjson') return { text, format };
  const elements = jsonArrayElements(text);
  if (!elements) return { text, format };
  if (elements.count > MAX_EVENTS_PER_REQUEST) throw tooManyEvents();
  return { text, format, elements: { data: elements.data, count: elements.count } };
}

/** The scanned body → its events (throws a SiemError for a body that is refused as a whole). */
export function parseScannedBody({ text, format, elements }: ScannedBody): EventsBody {
  const body = format === 'ndjson' ? parseNdjson(text) : elements ? parseElements(text, new Elements(elements.data, elements.count)) : parseJson(text);
  if (body.events.length + body.unparsable.length > MAX_EVENTS_PER_REQUEST) throw tooManyEvents();
  return body;
}

/**
 * The request body stream → its text. `Content-Encoding: gzip` is decompressed as it arrives; 413 beyond
 * EVENTS_BODY_LIMIT bytes on the wire or decompressed, 415 for another encoding, 400 for broken gzip. Invalid
 * UTF-8 becomes U+FFFD (as Buffer#toString does).
 */
export async function readEventsBody(stream: Readable, contentEncoding: string | undefined, contentLength?: string): Promise<string> {
  const encoding = contentEncoding?.trim().toLowerCase();
  const gzip = encoding === 'gzip' || encoding === 'x-gzip';
  if (encoding && encoding !== 'identity' && !gzip) {
    throw new SiemError('SIEM_ERR_UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported Content-Encoding (use gzip or none)');
  }
  if (contentLength !== undefined && Number(contentLength) > EVENTS_BODY_LIMIT) throw bodyTooLarge();
  // Chunks are kept as bytes and decoded once at the end: one flat string (no rope for the scan to flatten) and
  // one pass of V8's UTF-8 decoder instead of a StringDecoder call and a concatenation per 64 KB chunk.
  const chunks: Buffer[] = [];
  let decoded = 0;
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      decoded += chunk.length;
      if (decoded > EVENTS_BODY_LIMIT) throw gzip ? tooLarge('Decompressed request body is too large') : bodyTooLarge();
      chunks.push(chunk);
    }
  };
  if (!gzip) {
    await collect(stream);
  } else {
    let wire = 0;
    const wireLimit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        wire += chunk.length;
        done(wire > EVENTS_BODY_LIMIT ? bodyTooLarge() : null, chunk);
      },
    });
    try {
      await pipeline(stream, wireLimit, createGunzip(), collect);
    } catch (err) {
      if (err instanceof SiemError) throw err;
      if ((err as NodeJS.ErrnoException).code?.startsWith('Z_')) throw new SiemError('SIEM_ERR_BAD_REQUEST', 400, 'Body is not valid gzip');
      throw err;
    }
  }
  return (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, decoded)).toString('utf8');
}

const bodyTooLarge = () => tooLarge('Request body is too large');

const invalidJson = () => new ValidationError([{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }], 'Body is not valid JSON');

function parseElements(text: string, elements: Elements): EventsBody {
  const events = new Array<unknown>(elements.count);
  const texts = new Array<SentText | undefined>(elements.count);
  for (let i = 0; i < elements.count; i++) {
    const element = parseElement(text, elements, i);
    events[i] = element.event;
    texts[i] = element.sent;
  }
  return { events, texts, positions: null, unparsable: [] };
}

/** A scanned JSON array's elements, to parse one at a time (pipeline/publish-body.ts bodyPreparation). */
export function scannedElements(scanned: ScannedBody): Elements | undefined {
  return scanned.format === 'json' && scanned.elements ? new Elements(scanned.elements.data, scanned.elements.count) : undefined;
}

/** Element `i` of `text`, parsed, and its text when it may be stored as is; throws the body's 422 when it is not JSON. */
export function parseElement(text: string, elements: Elements, i: number): { event: unknown; sent: SentText | undefined } {
  const start = elements.start(i);
  const element = text.slice(start, elements.end(i));
  let event: unknown;
  try {
    event = JSON.parse(element);
  } catch {
    throw invalidJson();
  }
  const sent = sentText(element, elements, i, start);
  if (sent) sent.at = start;
  return { event, sent };
}

/** A JSON text that is not an array's elements: `{"events": [...]}`, or invalid (→ 422). */
function parseJson(text: string): EventsBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidJson();
  }
  const events = Array.isArray(parsed) ? parsed : (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) {
    throw new ValidationError(
      [{ loc: ['body'], msg: 'must be a JSON array of events or an object {"events": [...]}', type: 'list_type' }],
      'Body must be a JSON array of events or {"events": [...]}',
    );
  }
  return { events, texts: null, positions: null, unparsable: [] };
}

function parseNdjson(text: string): EventsBody {
  const events: unknown[] = [];
  const texts: (SentText | undefined)[] = [];
  const positions: number[] = [];
  const unparsable: RejectedEvent[] = [];
  let index = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line));
      const value = soleValue(line);
      texts.push(value ? sentText(line.slice(value.start(0), value.end(0)), value, 0, value.start(0)) : undefined);
      positions.push(index);
    } catch {
      unparsable.push({ index, error: 'event: line is not valid JSON' });
    }
    index++;
  }
  return { events, texts, positions: unparsable.length > 0 ? positions : null, unparsable };
}

/** Element `i`'s text (it starts at `offset` in the scanned text), when it may be stored as is. */
function sentText(text: string, elements: Elements, i: number, offset: number): SentText | undefined {
  if (!isStorableText(elements.depth(i), elements.flags(i))) return undefined;
  const metadata = elements.metadataObject(i);
  return { text, metadataObject: metadata < 0 ? -1 : metadata - offset };
}

const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
