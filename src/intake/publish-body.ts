/**
 * A publish request's scanned body (api/events-body.ts) → the events to append: each prepared from its bytes when
 * it is stored as sent (prepare-kept-event.ts, no JSON.parse), else parsed and prepared (prepare-event.ts),
 * rejected ones listed by their position in the request. Synchronous CPU work, run where the
 * store wants it: in the SQLite append worker (EventLog.publishBody, src/store/sqlite/append-worker.ts), else on
 * the main thread in slices (Publisher.publishBody).
 */
import { UNPARSABLE_LINE, elementBytes, parseElement, parseScannedBody, scanBodyBytes, scannedElements, type BodyElements, type EventsBody, type EventsBodyFormat, type ScannedBody } from './events-body.ts';
import type { ElementReader } from './json-elements.ts';
import type { SentText } from './event-json.ts';
import type { NewEvent, OrgRules, PreparedBody, RejectedEvent } from '../store/event-log.ts';
import { KeptNewEvent } from '../store/kept-event.ts';
import { prepareEvent } from './prepare-event.ts';
import { readEventSkeletonAt, type Skeleton } from './event-skeleton.ts';
import { prepareFromSkeleton, prepareKeptEvent } from './prepare-kept-event.ts';

/**
 * A body ready to be prepared in ranges of its events, so the main thread can yield between slices and the
 * append worker can do it in one go. A JSON array's elements (or NDJSON's lines) are parsed one at a time as they
 * are prepared: a parsed event is garbage as soon as it is prepared, so a scavenge finds one event alive instead
 * of the whole body's (~3 MB of objects per 1,000 events, which otherwise survived, were promoted and then marked
 * in the old generation). Other bodies (`{"events": [...]}`, library calls) are parsed whole first.
 */
export interface BodyPreparation {
  count: number;
  /** Prepares events [from, to) into `out` (rejected indexes are event indexes until `positions`). */
  prepare(from: number, to: number, out: PreparedBody, orgs: Set<string>): void;
  /** Event indexes → request positions, merged with NDJSON lines that were not JSON; after the last range. */
  positions(rejected: RejectedEvent[]): RejectedEvent[];
}

/**
 * Throws the SiemError of a body refused as a whole (not JSON, too many events …). `skeletons`: per element, its
 * skeleton when it was read while the elements were found (readPublishBody), undefined when that reader left it
 * to the general path.
 */
export function bodyPreparation(scanned: ScannedBody, rules: OrgRules, now: number, skeletons?: readonly (Skeleton | undefined)[]): BodyPreparation {
  const elements = scannedElements(scanned);
  if (!elements) return eventsPreparation(parseScannedBody(scanned), rules, now);
  return {
    count: elements.table.count,
    // An array element that is not JSON refuses the body (nothing was appended yet); an NDJSON line is rejected
    // alone. Element indexes are request positions.
    prepare: (from, to, out, orgs) => {
      for (let i = from; i < to; i++) {
        const skeleton = skeletons?.[i];
        const fast = skeletons ? skeleton && prepareFromSkeleton(skeleton, elements, i, rules, now) : prepareKeptEvent(elements, i, rules, now);
        if (fast) {
          pushValid(out, orgs, fast);
          continue;
        }
        const element = parseElement(elements, i);
        if (!element) {
          out.rejected.push({ index: i, error: UNPARSABLE_LINE });
          continue;
        }
        prepareInto(out, orgs, i, prepareEvent(element.event, rules, now, element.sent), element.sent, elements);
      }
    },
    positions: (rejected) => rejected,
  };
}

/** Events already parsed (a body parsed whole, or the library's publish()). */
export function eventsPreparation(body: EventsBody, rules: OrgRules, now: number): BodyPreparation {
  return {
    count: body.events.length,
    prepare: (from, to, out, orgs) => {
      for (let i = from; i < to; i++) {
        const sent = body.texts?.[i];
        prepareInto(out, orgs, i, prepareEvent(body.events[i], rules, now, sent), sent);
      }
    },
    positions: (rejected) => requestPositions(body, rejected),
  };
}

/** `elements`: the body's, when events kept as sent can be their bytes in it. */
function prepareInto(
  out: PreparedBody,
  orgs: Set<string>,
  index: number,
  prepared: NewEvent | { error: string },
  sent: SentText | undefined,
  elements?: BodyElements,
): void {
  if ('error' in prepared) {
    out.rejected.push({ index, error: prepared.error });
    return;
  }
  const element = sent?.element !== undefined && prepared.json === sent.text ? sent.element : -1;
  // Kept as sent: from here on the event is its bytes in the body; the text made for JSON.parse dies young
  // instead of living on through the append and in delivery's tail (store/kept-event.ts).
  const event =
    element >= 0 && elements
      ? new KeptNewEvent(prepared.orgId, prepared.uid, prepared.classUid, prepared.severityId, prepared.time, elementBytes(elements, element))
      : prepared;
  pushValid(out, orgs, event);
}

function pushValid(out: PreparedBody, orgs: Set<string>, event: NewEvent): void {
  out.valid.push(event);
  if (!orgs.has(event.orgId)) {
    orgs.add(event.orgId);
    out.orgIds.push(event.orgId);
  }
}

function requestPositions(body: EventsBody, rejected: RejectedEvent[]): RejectedEvent[] {
  const positions = body.positions;
  if (!positions) return rejected;
  const mapped = rejected.map((r) => ({ index: positions[r.index]!, error: r.error }));
  return [...body.unparsable, ...mapped].sort((a, b) => a.index - b.index);
}

/**
 * A publish body's bytes (api/events-body.ts publishBodyBytes) scanned: a JSON array's event objects are read
 * (event-skeleton.ts readEventSkeletonAt) while their boundaries are found, so each is read once instead of
 * scanned and then read; NDJSON and other bodies are scanned as scanEventsBody does. `skeletons`: for
 * bodyPreparation, when the reader was used. Throws the SiemError of a body refused as a whole.
 */
export function readPublishBody(bytes: Buffer, format: EventsBodyFormat): { scanned: ScannedBody; skeletons?: (Skeleton | undefined)[] } {
  const skeletons: (Skeleton | undefined)[] = [];
  const readElement: ElementReader = (b, start, limit, _index, read) => {
    const skeleton = readEventSkeletonAt(b as Buffer, start, limit, read);
    skeletons.push(skeleton);
    return skeleton !== undefined;
  };
  const scanned = scanBodyBytes(bytes, format, format === 'json' ? readElement : undefined);
  // Every element was offered to the reader, unless the body is not UTF-8 (then the reader is not used).
  const read = scanned.elements && skeletons.length === scanned.elements.count;
  return read ? { scanned, skeletons } : { scanned };
}

/**
 * readPublishBody and preparePublishBody, in the append worker. Events kept as sent are views of `bytes` (the
 * worker's reply locates them by their byte ranges there).
 */
export function readAndPreparePublishBody(bytes: Buffer, format: EventsBodyFormat, rules: OrgRules, now: number): PreparedBody {
  const { scanned, skeletons } = readPublishBody(bytes, format);
  return preparePublishBody(scanned, rules, now, skeletons);
}

/** The whole body at once (the append worker: no event loop to keep responsive there). */
export function preparePublishBody(scanned: ScannedBody, rules: OrgRules, now: number, skeletons?: readonly (Skeleton | undefined)[]): PreparedBody {
  const preparation = bodyPreparation(scanned, rules, now, skeletons);
  const out: PreparedBody = { valid: [], rejected: [], orgIds: [] };
  preparation.prepare(0, preparation.count, out, new Set());
  out.rejected = preparation.positions(out.rejected);
  return out;
}
