/**
 * The JSON text stored for a published OCSF event. Re-serialising every event costs about as much as parsing
 * it, so the text the event was sent as is kept when the stored event is exactly that text's value, possibly
 * plus the metadata.uid / metadata.tenant_uid siemstream adds (spliced into the metadata object). Anything else
 * (a simple event mapped to OCSF, a top-level org_id moved, a text we cannot vouch for) is JSON.stringify'd.
 */
import { ESCAPED_KEY, LINE_BREAK, NOT_ONE_VALUE, NOT_UTF8, REPEATED_METADATA, REPEATED_TENANT } from './json-elements.ts';
import type { OcsfEvent } from '../connectors/shared/types.ts';

/**
 * Deeper texts are re-serialised, and JSON.stringify's recursion limit then decides (an event it cannot
 * serialise is rejected, as before texts were kept). Real events nest a few levels.
 */
const MAX_TEXT_DEPTH = 256;

/** The metadata fields siemstream may add to an OCSF event (normalize.ts: uid; event-org.ts: tenant_uid). */
const ADDED_METADATA = ['uid', 'tenant_uid'] as const;

/**
 * Whether a sent text may be stored for its event: it must read the same to every consumer as the parsed event
 * did to us. Not when it has line breaks (whitespace between tokens: encoders put one event per line, e.g.
 * NDJSON bulk bodies), a key written with escapes (it could spell "metadata" unseen by the checks here), or the
 * key "metadata" or "tenant_uid" twice (a duplicate key: JSON.parse keeps the last one, a first-wins parser at
 * the SIEM would see the other organisation); nor when the body was not valid UTF-8 (the text is then the decoder's
 * reading of it, not what was sent).
 */
export function isStorableText(depth: number, flags: number): boolean {
  return depth <= MAX_TEXT_DEPTH && (flags & (LINE_BREAK | ESCAPED_KEY | REPEATED_METADATA | REPEATED_TENANT | NOT_UTF8 | NOT_ONE_VALUE)) === 0;
}

/** A text that passed isStorableText, with where (index in `text`) its top-level metadata object starts (-1: none). */
export interface SentText {
  text: string;
  metadataObject: number;
  /** Which element of the request (JSON array element or NDJSON line: api/events-body.ts BodyElements) `text` is. */
  element?: number;
}

/**
 * @param event the stored event (normalised, routed)
 * @param sent its text as published, when the event is that text's value plus added metadata fields
 * @param sentMetadata the metadata object as parsed from `sent` (before fields were added)
 */
export function storedEventJson(event: OcsfEvent, sent?: SentText, sentMetadata?: Record<string, unknown>): string {
  if (sent === undefined || sentMetadata === undefined) return JSON.stringify(event);
  const added: AddedMetadata = {};
  let adds = false;
  for (const key of ADDED_METADATA) {
    const before = sentMetadata[key];
    const after = (event.metadata as Record<string, unknown>)[key];
    if (after === before) continue;
    if (before !== undefined || typeof after !== 'string') return JSON.stringify(event);
    added[key] = after;
    adds = true;
  }
  if (!adds) return sent.text;
  if (sent.metadataObject < 0) return JSON.stringify(event);
  return withAddedMetadata(sent.text, sent.metadataObject, added);
}

/** Metadata fields siemstream adds to a sent text (absent ones are not added). */
export type AddedMetadata = Partial<Record<(typeof ADDED_METADATA)[number], string>>;

/** `text` with the `added` fields, in ADDED_METADATA order, first in the metadata object whose `{` is at `brace`. */
export function withAddedMetadata(text: string, brace: number, added: AddedMetadata): string {
  let members = '';
  for (const key of ADDED_METADATA) {
    const value = added[key];
    if (value !== undefined) members += `${members ? ',' : ''}"${key}":${JSON.stringify(value)}`;
  }
  const empty = text[skipSpace(text, brace + 1)] === '}';
  return `${text.slice(0, brace + 1)}${members}${empty ? '' : ','}${text.slice(brace + 1)}`;
}

function skipSpace(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}
