/**
 * The hot path of publishing: an OCSF event whose text is stored as it was sent (pipeline/event-json.ts), or as
 * sent plus the metadata.uid / metadata.tenant_uid siemstream adds, is prepared from its bytes, without
 * JSON.parse. Its skeleton (event-skeleton.ts) goes through the same validator and routing as a parsed event
 * (prepare-event.ts), and the text is made the same way, so the outcome is the general path's; anything else
 * (a top-level org_id to move, a simple event to map, an error to word) returns undefined and the caller takes
 * the general path.
 */
import { elementBytes, elementText, type BodyElements } from './events-body.ts';
import type { OcsfEvent } from '../connectors/shared/types.ts';
import { validateOcsfEvent } from '../ocsf/validate.ts';
import { isStorableText, withAddedMetadata } from './event-json.ts';
import type { NewEvent, OrgRules } from '../store/event-log.ts';
import { resolveEventOrg } from './event-org.ts';
import { readEventSkeleton, type Skeleton } from './event-skeleton.ts';
import { KeptNewEvent } from '../store/kept-event.ts';
import { UID } from './prepare-event.ts';
import { uuidV7 } from './uuid-v7.ts';

/**
 * Element `i` of a publish body as the event to append: a KeptNewEvent when its text is stored exactly as sent,
 * a NewEvent with the added metadata spliced into its text, or undefined for the general path.
 */
export function prepareKeptEvent(elements: BodyElements, i: number, rules: OrgRules, now: number): NewEvent | undefined {
  const { table, bytes } = elements;
  if (!isStorableText(table.depth(i), table.flags(i))) return undefined;
  const event = readEventSkeleton(bytes, table.start(i), table.end(i));
  return event && prepareFromSkeleton(event, elements, i, rules, now);
}

/**
 * prepareKeptEvent of element `i` whose skeleton is already read (readEventSkeleton, or readEventSkeletonAt while
 * the body's elements were found: its text is then storable).
 */
export function prepareFromSkeleton(event: Skeleton, elements: BodyElements, i: number, rules: OrgRules, now: number): NewEvent | undefined {
  const { table } = elements;
  // No class_uid: a simple event, mapped to OCSF (not kept as sent), or an error.
  if (event.class_uid === undefined || !validateOcsfEvent(event).ok) return undefined;
  const metadata = event.metadata as Skeleton;
  const sentUid = metadata.uid;
  // normalize.ts: a missing metadata.uid is assigned.
  const uid = sentUid === undefined ? uuidV7(now) : sentUid;
  if (typeof uid !== 'string' || !UID.test(uid)) return undefined;
  // A top-level org_id is moved into metadata: the general path re-serialises such an event.
  if (event.org_id !== undefined) return undefined;
  const routed = resolveEventOrg(event as unknown as OcsfEvent, rules);
  if (!routed.ok) return undefined;
  const { orgId } = routed;
  const classUid = event.class_uid as number;
  const severityId = event.severity_id as number;
  const time = event.time as number;
  // A metadata.tenant_uid the event names is its organisation (event-org.ts); else the token's is added.
  const addTenant = metadata.tenant_uid === undefined;
  if (sentUid !== undefined && !addTenant) return new KeptNewEvent(orgId, uid, classUid, severityId, time, elementBytes(elements, i));
  // As event-json.ts storedEventJson: the added fields spliced into the sent metadata object.
  const brace = table.metadataObject(i);
  if (brace < 0) return undefined;
  const added = { uid: sentUid === undefined ? uid : undefined, tenant_uid: addTenant ? orgId : undefined };
  return { orgId, uid, classUid, severityId, time, json: withAddedMetadata(elementText(elements, i), brace, added) };
}
