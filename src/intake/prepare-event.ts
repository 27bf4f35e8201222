/**
 * One published event → the NewEvent to append, or why it is rejected: normalised OCSF (normalize.ts), routed to
 * its organisation (event-org.ts), identity checked, JSON text for the log (event-json.ts). Pure; runs on the main
 * thread (Publisher.publish) or in the SQLite append worker (publish-body.ts).
 */
import type { OcsfEvent } from '../connectors/shared/types.ts';
import { normalizeEvent } from '../ocsf/normalize.ts';
import { storedEventJson, type SentText } from './event-json.ts';
import { resolveEventOrg } from './event-org.ts';
import type { NewEvent, OrgRules } from '../store/event-log.ts';
import { uuidV7 } from './uuid-v7.ts';

/** metadata.uid is an index key: bounded and printable. */
export const UID = /^[^\u0000-\u001f\u007f]{1,256}$/;

/**
 * @param raw the parsed event
 * @param sent the JSON text `raw` was parsed from, when the caller has it (a publish body): stored as is when possible
 */
export function prepareEvent(raw: unknown, rules: OrgRules, now: number, sent?: SentText): NewEvent | { error: string } {
  try {
    // Before normalising: a missing metadata.uid is added on a copy of metadata (normalize.ts withUid).
    const sentMetadata = sent === undefined ? undefined : sentMetadataOf(raw);
    const normalized = normalizeEvent(raw, { now: () => now, newUid: () => uuidV7(now) });
    if (!normalized.ok) return { error: normalized.error };
    if (!UID.test(normalized.uid)) return { error: 'metadata.uid: must be 1-256 printable characters' };
    const routed = resolveEventOrg(normalized.event, rules);
    if (!routed.ok) return { error: routed.error };
    // The sent text is only a candidate when the event IS the parsed object (OCSF, not a mapped simple event)
    // and routing moved no top-level org_id out of it.
    const sameEvent = normalized.event === raw && (raw as OcsfEvent).org_id === undefined;
    return {
      orgId: routed.orgId,
      uid: normalized.uid,
      classUid: normalized.classUid,
      severityId: normalized.severityId,
      time: normalized.time,
      json: storedEventJson(routed.event, sameEvent ? sent : undefined, sameEvent ? sentMetadata : undefined),
    };
  } catch (err) {
    // Recursion limits (JSON.stringify of a pathologically deep event) are the event's fault, not the server's.
    if (err instanceof RangeError) return { error: 'event: nested too deeply' };
    throw err;
  }
}

function sentMetadataOf(raw: unknown): Record<string, unknown> | undefined {
  const metadata = (raw as { metadata?: unknown } | null)?.metadata;
  return typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : undefined;
}
