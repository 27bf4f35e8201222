/**
 * One published event → a validated OCSF event with its identity. An object with `class_uid` is taken as OCSF
 * (validated by validate.ts, never re-mapped); otherwise one with `type` is a simple event (mapped by
 * simple-events.ts). `metadata.uid` is assigned when absent: it is the de-duplication key downstream.
 * An OCSF event is returned as the same object (see withUid), never re-serialised or deep-copied.
 */
import type { OcsfEvent } from '../connectors/shared/types.ts';
import { mapSimpleEvent } from './simple-events.ts';
import { validateOcsfEvent } from './validate.ts';
import type { OcsfProduct } from './vocabulary.ts';

export interface NormalizeOptions {
  now: () => number;
  /** A new UUID for `metadata.uid`. */
  newUid: () => string;
  /** metadata.product for mapped simple events (default { name: "AuthOS", vendor_name: "siemstream" }). */
  product?: OcsfProduct;
}

export type NormalizeResult =
  | {
      ok: true;
      event: OcsfEvent;
      /** metadata.uid */
      uid: string;
      /** OCSF `time`, epoch ms. */
      time: number;
      classUid: number;
      severityId: number;
      /** metadata.tenant_uid (a simple event's `org_id`), when the event names its organisation. */
      orgId?: string;
    }
  | { ok: false; error: string };

export function normalizeEvent(e: unknown, opts: NormalizeOptions): NormalizeResult {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return { ok: false, error: 'event: must be a JSON object' };
  const input = e as Record<string, unknown>;

  let event: OcsfEvent;
  if (input.class_uid !== undefined) {
    const valid = validateOcsfEvent(input);
    if (!valid.ok) return valid;
    event = withUid(input as OcsfEvent, opts.newUid);
  } else if (input.type !== undefined) {
    const mapped = mapSimpleEvent(input, opts);
    if (!mapped.ok) return mapped;
    event = mapped.event;
  } else {
    return { ok: false, error: 'event: needs class_uid (an OCSF event) or type (a simple event)' };
  }

  const tenant = event.metadata.tenant_uid;
  return {
    ok: true,
    event,
    uid: event.metadata.uid,
    time: event.time,
    classUid: event.class_uid,
    severityId: event.severity_id,
    ...(typeof tenant === 'string' ? { orgId: tenant } : {}),
  };
}

/**
 * Gives the event a metadata.uid. The event object is updated in place (normalize owns the parsed publish body;
 * copying every event's top level cost more than parsing it), but `metadata` is replaced by a copy, so events
 * that share one metadata object (possible in embedded use) still get distinct uids.
 */
function withUid(event: OcsfEvent, newUid: () => string): OcsfEvent {
  if (event.metadata.uid !== undefined) return event;
  const metadata: Record<string, unknown> = {};
  for (const key in event.metadata) metadata[key] = event.metadata[key];
  metadata.uid = newUid();
  event.metadata = metadata as OcsfEvent['metadata'];
  return event;
}
