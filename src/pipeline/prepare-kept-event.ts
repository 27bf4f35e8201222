/**
 * The hot path of publishing: an event that will be stored exactly as it was sent (pipeline/event-json.ts) is
 * prepared from its bytes, without JSON.parse. Its skeleton (event-skeleton.ts) goes through the same validator
 * and routing as a parsed event (prepare-event.ts), so the decision is the general path's; anything else the
 * general path would do differently (a metadata.uid or tenant_uid to add, a top-level org_id to move, a simple
 * event to map, an error to word) returns undefined and the caller takes the general path.
 */
import { elementBytes, type BodyElements } from '../api/events-body.ts';
import type { OcsfEvent } from '../connectors/shared/types.ts';
import { validateOcsfEvent } from '../ocsf/validate.ts';
import { isStorableText } from './event-json.ts';
import { resolveEventOrg, type OrgRules } from './event-org.ts';
import { readEventSkeleton, type Skeleton } from './event-skeleton.ts';
import { KeptNewEvent } from './kept-event.ts';
import { UID } from './prepare-event.ts';

/** Element `i` of a publish body as the event to append, when it is kept as sent; else undefined. */
export function prepareKeptEvent(elements: BodyElements, i: number, rules: OrgRules): KeptNewEvent | undefined {
  const { table, bytes } = elements;
  if (!isStorableText(table.depth(i), table.flags(i))) return undefined;
  const event = readEventSkeleton(bytes, table.start(i), table.end(i));
  // No class_uid: a simple event, mapped to OCSF (not kept as sent), or an error.
  if (event === undefined || event.class_uid === undefined || !validateOcsfEvent(event).ok) return undefined;
  const uid = (event.metadata as Skeleton).uid;
  if (typeof uid !== 'string' || !UID.test(uid)) return undefined;
  const routed = resolveEventOrg(event as unknown as OcsfEvent, rules);
  // A routed copy means metadata.tenant_uid is added or org_id moved: the stored text is not the sent one.
  if (!routed.ok || routed.event !== (event as unknown)) return undefined;
  return new KeptNewEvent(routed.orgId, uid, event.class_uid as number, event.severity_id as number, event.time as number, elementBytes(elements, i));
}
