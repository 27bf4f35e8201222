/**
 * The body of POST /v1/events → the published events (SPEC §6). Three forms: a JSON array, `{"events": [...]}`,
 * or NDJSON (each non-empty line one event; a line that is not JSON is rejected with its index, the others are
 * kept). `Content-Encoding: gzip` is decompressed with the same 10 MB cap as the wire body, so a small
 * compressed body cannot expand without bound (zip bomb → 413).
 *
 * Three steps, so that the work can be split between threads: readEventsBody (the request stream → bytes,
 * decompressed on the thread pool), scanEventsBody (where a JSON array's elements, or NDJSON's lines, are in the
 * bytes: json-elements.ts; each decoded on its own) and parseScannedBody (JSON.parse of each element). With
 * SQLite the append worker does the last two, and reads a JSON array's events while it finds them
 * (pipeline/publish-body.ts readPublishBody). Elements are parsed one by one so that each
 * event's own text can be stored as is; `{"events": [...]}` is parsed whole (its events are re-serialised).
 * parseEventsBody = the last two.
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { SiemError, ValidationError } from '../errors.ts';
import type { EventsBodyFormat, RejectedEvent } from '../store/event-log.ts';
import { isStorableText, type SentText } from './event-json.ts';
import { Elements, NOT_UTF8, jsonArrayElements, ndjsonLines, type ElementReader } from './json-elements.ts';

export const EVENTS_BODY_LIMIT = 10 * 1024 * 1024;
export const MAX_EVENTS_PER_REQUEST = 100_000;

export type { EventsBodyFormat };

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

/** A scanned body (plain data: it crosses to a worker). */
export interface ScannedBody {
  format: EventsBodyFormat;
  /** JSON that is not an array (`{"events": [...]}`, or not JSON): the decoded body, parsed whole. */
  text?: string;
  /**
   * A JSON array's elements or NDJSON's non-blank lines (`lines`): the body's UTF-8 bytes and the elements'
   * table (json-elements.ts: where each one is in `bytes`). Bytes, not decoded texts, cross to the append worker:
   * one buffer to copy instead of 1,000 strings to serialise and allocate again, and each text is decoded where
   * it is parsed, just before, so it dies young.
   */
  elements?: { bytes: Uint8Array; data: Int32Array; count: number; lines: boolean };
}

/** A JSON array's elements, or NDJSON's lines: the body's bytes and what the scan noted about each. */
export interface BodyElements {
  bytes: Buffer;
  table: Elements;
  /**
   * NDJSON: an element that is not JSON is rejected with its index (the others are kept); in a JSON array it
   * refuses the whole body.
   */
  lines: boolean;
}

/** Why an NDJSON line is rejected when it is not JSON. */
export const UNPARSABLE_LINE = 'event: line is not valid JSON';

export const tooLarge = (message: string) => new SiemError('SIEM_ERR_PAYLOAD_TOO_LARGE', 413, message);

const tooManyEvents = () => tooLarge(`At most ${MAX_EVENTS_PER_REQUEST} events per request`);

/** The body → its events (throws a SiemError for a body that is refused as a whole). */
export function parseEventsBody(body: Uint8Array | string, format: EventsBodyFormat): EventsBody {
  return parseScannedBody(scanEventsBody(body, format));
}

/**
 * Finds a JSON array's elements, or NDJSON's non-blank lines, and decodes each (no JSON.parse yet); 413 for more
 * than 100,000 of them.
 * Bytes that are not UTF-8 decode to U+FFFD (as Buffer#toString does); their elements' texts are then not
 * stored as sent.
 */
export function scanEventsBody(body: Uint8Array | string, format: EventsBodyFormat): ScannedBody {
  return scanBodyBytes(publishBodyBytes(body), format);
}

/** A publish body as the Buffer the scan reads (a UTF-8 BOM left out): element offsets refer to it. */
export function publishBodyBytes(body: Uint8Array | string): Buffer {
  return withoutBom(typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/**
 * scanEventsBody of publishBodyBytes(body). `reader`: reads a JSON array's elements itself where it can
 * (json-elements.ts ElementReader), used only when the body is valid UTF-8.
 */
export function scanBodyBytes(bytes: Buffer, format: EventsBodyFormat, reader?: ElementReader): ScannedBody {
  const lines = format === 'ndjson';
  const utf8 = isUtf8(bytes);
  // A line with no JSON value is blank when String#trim says so (it also trims e.g. U+00A0).
  const table = lines ? ndjsonLines(bytes, (from, to) => bytes.toString('utf8', from, to).trim() === '') : jsonArrayElements(bytes, utf8 ? reader : undefined);
  if (!table) return { format, text: bytes.toString('utf8') };
  if (table.count > MAX_EVENTS_PER_REQUEST) throw tooManyEvents();
  if (!utf8) table.flagAll(NOT_UTF8);
  return { format, elements: { bytes, data: table.data, count: table.count, lines } };
}

/** The scanned body → its events (throws a SiemError for a body that is refused as a whole). */
export function parseScannedBody(scanned: ScannedBody): EventsBody {
  const elements = scannedElements(scanned);
  const body = elements ? parseElements(elements) : parseJson(scanned.text ?? '');
  if (body.events.length + body.unparsable.length > MAX_EVENTS_PER_REQUEST) throw tooManyEvents();
  return body;
}

/**
 * The request body stream → its bytes. `Content-Encoding: gzip` is decompressed as it arrives; 413 beyond
 * EVENTS_BODY_LIMIT bytes on the wire or decompressed, 415 for another encoding, 400 for broken gzip.
 * Inflating stops as soon as the decompressed size passes the limit (the zlib stream is destroyed then), so a
 * gzip bomb costs about EVENTS_BODY_LIMIT of memory and the time to inflate that much, never its full size.
 */
export async function readEventsBody(stream: Readable, contentEncoding: string | undefined, contentLength?: string): Promise<Buffer> {
  const encoding = contentEncoding?.trim().toLowerCase();
  const gzip = encoding === 'gzip' || encoding === 'x-gzip';
  if (encoding && encoding !== 'identity' && !gzip) throw unsupportedEncoding();
  if (contentLength !== undefined && Number(contentLength) > EVENTS_BODY_LIMIT) throw bodyTooLarge();
  // Kept as bytes: the scan works on them and decodes element by element (scanEventsBody).
  const chunks: Buffer[] = [];
  let decoded = 0;
  // The first limit passed is the answer: when one stage fails, pipeline() destroys the others and may reject
  // with their AbortError instead, which is no reason to give the caller (it became a 500).
  let refusal: SiemError | undefined;
  const refuse = (err: SiemError) => (refusal ??= err);
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      decoded += chunk.length;
      if (decoded > EVENTS_BODY_LIMIT) throw refuse(gzip ? tooLarge('Decompressed request body is too large') : bodyTooLarge());
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
        done(wire > EVENTS_BODY_LIMIT ? refuse(bodyTooLarge()) : null, chunk);
      },
    });
    try {
      await pipeline(stream, wireLimit, createGunzip(), collect);
    } catch (err) {
      if (refusal) throw refusal;
      if (err instanceof SiemError) throw err;
      if ((err as NodeJS.ErrnoException).code?.startsWith('Z_')) throw notGzip(err as Error);
      throw err;
    }
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, decoded);
}

/** zlib's reason ("incorrect header check", "unexpected end of file") says what is wrong; it holds no body bytes. */
const notGzip = (err: Error) => new SiemError('SIEM_ERR_BAD_REQUEST', 400, `Body is not valid gzip (Content-Encoding: gzip): ${err.message}`);

export const unsupportedEncoding = () =>
  new SiemError('SIEM_ERR_UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported Content-Encoding: POST /v1/events accepts gzip or none');

const bodyTooLarge = () => tooLarge('Request body is too large');

const invalidJson = () => new ValidationError([{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }], 'Body is not valid JSON');

function parseElements(elements: BodyElements): EventsBody {
  const events: unknown[] = [];
  const texts: (SentText | undefined)[] = [];
  const positions: number[] = [];
  const unparsable: RejectedEvent[] = [];
  for (let i = 0; i < elements.table.count; i++) {
    const element = parseElement(elements, i);
    if (!element) {
      unparsable.push({ index: i, error: UNPARSABLE_LINE });
      continue;
    }
    events.push(element.event);
    texts.push(element.sent);
    positions.push(i);
  }
  return { events, texts, positions: unparsable.length > 0 ? positions : null, unparsable };
}

/** A scanned body's elements (JSON array) or lines (NDJSON), to parse one at a time (pipeline/publish-body.ts bodyPreparation). */
export function scannedElements(scanned: ScannedBody): BodyElements | undefined {
  const elements = scanned.elements;
  if (!elements) return undefined;
  const { bytes } = elements;
  // A Uint8Array after a structured clone: a Buffer view of the same memory (toString decodes without copying).
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { bytes: buffer, table: new Elements(elements.data, elements.count), lines: elements.lines };
}

/** The decoded text of element `i` (U+FFFD for bytes that are not UTF-8). */
export function elementText({ bytes, table }: BodyElements, i: number): string {
  return bytes.toString('utf8', table.start(i), table.end(i));
}

/** The bytes of element `i`: a view of the body. */
export function elementBytes({ bytes, table }: BodyElements, i: number): Buffer {
  return bytes.subarray(table.start(i), table.end(i));
}

/**
 * Element `i`, parsed, and its text when it may be stored as is. When it is not JSON: undefined for an NDJSON
 * line (rejected alone), the body's 422 for a JSON array element.
 */
export function parseElement(elements: BodyElements, i: number): { event: unknown; sent: SentText | undefined } | undefined {
  const { table, lines } = elements;
  const text = elementText(elements, i);
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    if (lines) return undefined;
    throw invalidJson();
  }
  const sent = sentText(text, table, i);
  if (sent) sent.element = i;
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

/** Element `i`'s text, when it may be stored as is. */
function sentText(text: string, elements: Elements, i: number): SentText | undefined {
  if (!isStorableText(elements.depth(i), elements.flags(i))) return undefined;
  return { text, metadataObject: elements.metadataObject(i) };
}

const withoutBom = (bytes: Buffer) => (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes);
