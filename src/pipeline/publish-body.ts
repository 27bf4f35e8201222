/**
 * A publish request's scanned body (api/events-body.ts) → the events to append: parsed, each prepared
 * (prepare-event.ts), rejected ones listed by their position in the request. Synchronous CPU work, run where the
 * store wants it: in the SQLite append worker (EventLog.publishBody, src/store/sqlite/append-worker.ts), else on
 * the main thread in slices (Publisher.publishBody).
 */
import { parseElement, parseScannedBody, scannedElements, type EventsBody, type ScannedBody } from '../api/events-body.ts';
import type { Elements } from '../api/json-elements.ts';
import type { SentText } from './event-json.ts';
import { SiemError, ValidationError, type ErrorCode, type ValidationIssue } from '../errors.ts';
import type { OrgRules } from './event-org.ts';
import type { NewEvent } from './event-log.ts';
import { prepareEvent } from './prepare-event.ts';
import type { RejectedEvent } from './publish.ts';

/** The events of a body that are valid (to append) and those rejected (with request positions). */
export interface PreparedBody {
  valid: NewEvent[];
  rejected: RejectedEvent[];
  /** Organisations of the valid events. */
  orgIds: string[];
  /**
   * Per valid event, where its stored JSON starts in the scanned body's text when it is exactly the text sent
   * there (a JSON array element kept as is), else -1. Lets the append worker answer with offsets instead of
   * copies of the texts (src/store/sqlite/prepared-wire.ts).
   */
  sentAt?: number[];
}

/** Prepares body.events[from, to) into `out` (rejected indexes are body.events indexes until requestPositions). */
export function prepareBodyEvents(body: EventsBody, rules: OrgRules, now: number, from: number, to: number, out: PreparedBody, orgs: Set<string>): void {
  const { events, texts } = body;
  for (let i = from; i < to; i++) {
    const sent = texts?.[i];
    prepareInto(out, orgs, i, prepareEvent(events[i], rules, now, sent), sent);
  }
}

function prepareInto(out: PreparedBody, orgs: Set<string>, index: number, prepared: NewEvent | { error: string }, sent: SentText | undefined): void {
  if ('error' in prepared) {
    out.rejected.push({ index, error: prepared.error });
    return;
  }
  out.valid.push(prepared);
  out.sentAt?.push(sent?.at !== undefined && prepared.json === sent.text ? sent.at : -1);
  if (!orgs.has(prepared.orgId)) {
    orgs.add(prepared.orgId);
    out.orgIds.push(prepared.orgId);
  }
}

/**
 * Elements [from, to) of a scanned JSON array, each parsed and prepared in turn into `out`: a parsed event is
 * garbage as soon as it is prepared, so a scavenge finds one event alive instead of the whole body's (~3 MB of
 * objects per 1,000 events, which otherwise survived, were promoted and then marked in the old generation).
 * Element indexes are request positions. An element that is not JSON refuses the body (nothing was appended yet).
 */
export function prepareElements(text: string, elements: Elements, rules: OrgRules, now: number, from: number, to: number, out: PreparedBody, orgs: Set<string>): void {
  for (let i = from; i < to; i++) {
    const { event, sent } = parseElement(text, elements, i);
    prepareInto(out, orgs, i, prepareEvent(event, rules, now, sent), sent);
  }
}

/** Maps rejected body.events indexes to request positions and merges the lines that were not JSON (NDJSON). */
export function requestPositions(body: EventsBody, rejected: RejectedEvent[]): RejectedEvent[] {
  const positions = body.positions;
  if (!positions) return rejected;
  const mapped = rejected.map((r) => ({ index: positions[r.index]!, error: r.error }));
  return [...body.unparsable, ...mapped].sort((a, b) => a.index - b.index);
}

/** The whole body at once (the append worker: no event loop to keep responsive there). */
export function preparePublishBody(scanned: ScannedBody, rules: OrgRules, now: number): PreparedBody {
  const elements = scannedElements(scanned);
  if (elements) {
    const out: PreparedBody = { valid: [], rejected: [], orgIds: [], sentAt: [] };
    prepareElements(scanned.text, elements, rules, now, 0, elements.count, out, new Set());
    return out;
  }
  const body = parseScannedBody(scanned);
  const out: PreparedBody = { valid: [], rejected: [], orgIds: [], sentAt: [] };
  prepareBodyEvents(body, rules, now, 0, body.events.length, out, new Set());
  out.rejected = requestPositions(body, out.rejected);
  return out;
}

/** A body refused as a whole (400/413/422), in a form that crosses a worker boundary (structured clone). */
export interface BodyRefusal {
  code: ErrorCode;
  statusCode: number;
  message: string;
  details?: unknown;
}

export function bodyRefusal(err: unknown): BodyRefusal | undefined {
  if (!(err instanceof SiemError)) return undefined;
  return { code: err.code, statusCode: err.statusCode, message: err.message, details: err.details };
}

export function refusalError(refusal: BodyRefusal): SiemError {
  if (refusal.code === 'SIEM_ERR_VALIDATION') return new ValidationError(refusal.details as ValidationIssue[], refusal.message);
  return new SiemError(refusal.code, refusal.statusCode, refusal.message, refusal.details);
}
