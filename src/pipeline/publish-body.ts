/**
 * A publish request's scanned body (api/events-body.ts) → the events to append: parsed, each prepared
 * (prepare-event.ts), rejected ones listed by their position in the request. Synchronous CPU work, run where the
 * store wants it: in the SQLite append worker (EventLog.publishBody, src/store/sqlite/append-worker.ts), else on
 * the main thread in slices (Publisher.publishBody).
 */
import { parseScannedBody, type EventsBody, type ScannedBody } from '../api/events-body.ts';
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
    const prepared = prepareEvent(events[i], rules, now, sent);
    if ('error' in prepared) {
      out.rejected.push({ index: i, error: prepared.error });
    } else {
      out.valid.push(prepared);
      out.sentAt?.push(sent?.at !== undefined && prepared.json === sent.text ? sent.at : -1);
      if (!orgs.has(prepared.orgId)) {
        orgs.add(prepared.orgId);
        out.orgIds.push(prepared.orgId);
      }
    }
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
