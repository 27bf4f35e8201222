/**
 * Which organisation a published event belongs to, and the routing fields it is stored with.
 *
 * An event names its organisation by `org_id` (simple events; on an OCSF event it is accepted too and moved to
 * metadata.tenant_uid) or by `metadata.tenant_uid` (OCSF). A token scoped to an organisation publishes into it
 * and may not name another; a platform token (no organisation) must name one per event. The stored event always
 * carries its organisation in metadata.tenant_uid, so a global connector (every organisation's events) can tell
 * tenants apart.
 */
import type { OcsfEvent } from '../connectors/shared/types.ts';
import type { OrgRules } from '../store/event-log.ts';

export type OrgResolution = { ok: true; orgId: string; event: OcsfEvent } | { ok: false; error: string };

/** Like the token's org_id claim: bounded, printable (it is an index key and a log field). */
const ORG_ID = /^[^\u0000-\u001f\u007f]{1,128}$/;

/** `event` is the normalised event (a simple event's org_id is already its metadata.tenant_uid). */
export function resolveEventOrg(event: OcsfEvent, rules: OrgRules): OrgResolution {
  const tenant = event.metadata.tenant_uid;
  if (tenant !== undefined && typeof tenant !== 'string') return { ok: false, error: 'metadata.tenant_uid: must be a string' };
  const topLevel = event.org_id;
  if (topLevel !== undefined && typeof topLevel !== 'string') return { ok: false, error: 'org_id: must be a string' };
  if (topLevel !== undefined && tenant !== undefined && topLevel !== tenant) {
    return { ok: false, error: 'org_id: differs from metadata.tenant_uid' };
  }

  const named = (topLevel as string | undefined) ?? tenant;
  let orgId: string;
  if (named === undefined) {
    if (rules.orgId === undefined) return { ok: false, error: 'org_id: required (the token is not scoped to an organisation)' };
    orgId = rules.orgId;
  } else {
    const allowed = rules.allowedOrgs ?? rules.orgId;
    if (allowed !== 'any' && named !== allowed) return { ok: false, error: 'org_id: this token may not publish events for that organisation' };
    orgId = named;
  }
  if (!ORG_ID.test(orgId)) return { ok: false, error: 'org_id: must be 1-128 printable characters' };

  if (tenant === orgId && topLevel === undefined) return { ok: true, orgId, event };
  // A shallow copy: the caller's object (an OCSF event is passed through as given) is never mutated.
  const { org_id: _routing, ...ocsf } = event;
  return { ok: true, orgId, event: { ...ocsf, metadata: { ...event.metadata, tenant_uid: orgId } } as OcsfEvent };
}
