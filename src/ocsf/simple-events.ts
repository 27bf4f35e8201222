/**
 * Maps the platform's simple events (`{"type": "user.login", ...}`, format and table in README.md) to OCSF 1.8.0
 * events that validate against the class's JSON Schema.
 */
import type { OcsfEvent } from '../connectors/shared/types.ts';
import { eventHeader } from './event-header.ts';
import {
  accountChange,
  apiActivity,
  authentication,
  detectionFinding,
  groupManagement,
  userAccess,
  type Builder,
} from './simple-event-builders.ts';
import { compact } from './compact.ts';
import { SimpleEventError, SimpleEventReader } from './simple-event-reader.ts';
import { DEFAULT_PRODUCT, OCSF_VERSION, type OcsfProduct } from './vocabulary.ts';

interface SimpleTypeSpec {
  classUid: number;
  /** Default severity_id (a failed outcome raises it to at least Low). */
  severityId: number;
  /** Default `message`. */
  message: string;
  build: Builder;
}

const SPECS = {
  'user.login': { classUid: 3002, severityId: 1, message: 'User logged in', build: authentication(1) },
  'user.logout': { classUid: 3002, severityId: 1, message: 'User logged out', build: authentication(2) },
  'user.login_failed': {
    classUid: 3002,
    severityId: 2,
    message: 'User login failed',
    build: authentication(1, { alwaysFailure: true }),
  },
  // Not a Logon (1): one sign-in would count twice. Other (99), labelled, with is_mfa.
  'user.mfa_challenge': {
    classUid: 3002,
    severityId: 1,
    message: 'MFA challenge',
    build: authentication(99, { mfa: true, activityName: 'MFA Challenge' }),
  },
  'user.created': { classUid: 3001, severityId: 1, message: 'User created', build: accountChange(1) },
  'user.enabled': { classUid: 3001, severityId: 1, message: 'User enabled', build: accountChange(2) },
  'user.password_changed': { classUid: 3001, severityId: 1, message: 'Password changed', build: accountChange(3) },
  'user.password_reset': { classUid: 3001, severityId: 1, message: 'Password reset', build: accountChange(4) },
  'user.disabled': { classUid: 3001, severityId: 1, message: 'User disabled', build: accountChange(5) },
  'user.deleted': { classUid: 3001, severityId: 1, message: 'User deleted', build: accountChange(6) },
  'user.locked': { classUid: 3001, severityId: 2, message: 'User locked out', build: accountChange(9) },
  'user.mfa_enabled': {
    classUid: 3001,
    severityId: 1,
    message: 'MFA factor enabled',
    build: accountChange(10, { factors: true }),
  },
  'user.mfa_disabled': {
    classUid: 3001,
    severityId: 2,
    message: 'MFA factor disabled',
    build: accountChange(11, { factors: true }),
  },
  'user.unlocked': { classUid: 3001, severityId: 1, message: 'User unlocked', build: accountChange(12) },
  'role.assigned': { classUid: 3005, severityId: 1, message: 'Role assigned', build: userAccess(1, 'role') },
  'role.revoked': { classUid: 3005, severityId: 1, message: 'Role revoked', build: userAccess(2, 'role') },
  'permission.granted': {
    classUid: 3005,
    severityId: 1,
    message: 'Permission granted',
    build: userAccess(1, 'permission'),
  },
  'permission.revoked': {
    classUid: 3005,
    severityId: 1,
    message: 'Permission revoked',
    build: userAccess(2, 'permission'),
  },
  'group.created': { classUid: 3006, severityId: 1, message: 'Group created', build: groupManagement(6, { member: false }) },
  'group.deleted': { classUid: 3006, severityId: 1, message: 'Group deleted', build: groupManagement(5, { member: false }) },
  'group.member_added': {
    classUid: 3006,
    severityId: 1,
    message: 'User added to group',
    build: groupManagement(3, { member: true }),
  },
  'group.member_removed': {
    classUid: 3006,
    severityId: 1,
    message: 'User removed from group',
    build: groupManagement(4, { member: true }),
  },
  'api.request': { classUid: 6003, severityId: 1, message: 'API request', build: apiActivity() },
  'api_key.created': {
    classUid: 6003,
    severityId: 1,
    message: 'API key created',
    build: apiActivity({ activityId: 1, operation: 'api_key.create', apiKey: true }),
  },
  'api_key.revoked': {
    classUid: 6003,
    severityId: 1,
    message: 'API key revoked',
    build: apiActivity({ activityId: 4, operation: 'api_key.revoke', apiKey: true }),
  },
  'threat.detected': { classUid: 2004, severityId: 4, message: 'Threat detected', build: detectionFinding('threat') },
  'anomaly.detected': { classUid: 2004, severityId: 3, message: 'Anomaly detected', build: detectionFinding('anomaly') },
} satisfies Record<string, SimpleTypeSpec>;

export type SimpleEventType = keyof typeof SPECS;

export const SIMPLE_EVENT_TYPES = Object.freeze(Object.keys(SPECS)) as readonly SimpleEventType[];

/** The OCSF class each simple event type maps to. */
export const simpleEventClassUid = (type: SimpleEventType): number => SPECS[type].classUid;

export interface MapSimpleEventOptions {
  /** Clock for events without `time` (epoch ms). */
  now: () => number;
  /** metadata.uid for events without `id`. */
  newUid: () => string;
  /** metadata.product; default { name: "AuthOS", vendor_name: "siemstream" }. */
  product?: OcsfProduct;
}

export type MapSimpleEventResult = { ok: true; event: OcsfEvent } | { ok: false; error: string };

const isSimpleEventType = (t: string): t is SimpleEventType => Object.hasOwn(SPECS, t);
const FAILURE = 2;
const LOW = 2;

export function mapSimpleEvent(e: unknown, opts: MapSimpleEventOptions): MapSimpleEventResult {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return { ok: false, error: 'event: must be a JSON object' };
  const type = (e as Record<string, unknown>).type;
  if (typeof type !== 'string') return { ok: false, error: `type: required, one of ${SIMPLE_EVENT_TYPES.join(', ')}` };
  if (!isSimpleEventType(type)) {
    return {
      ok: false,
      error: `type: unknown simple event type ${JSON.stringify(type.slice(0, 64))} (known: ${SIMPLE_EVENT_TYPES.join(', ')})`,
    };
  }
  try {
    return { ok: true, event: build(type, new SimpleEventReader(e as Record<string, unknown>), opts) };
  } catch (err) {
    if (err instanceof SimpleEventError) return { ok: false, error: err.message };
    throw err;
  }
}

function build(type: SimpleEventType, r: SimpleEventReader, opts: MapSimpleEventOptions): OcsfEvent {
  const spec: SimpleTypeSpec = SPECS[type];
  const product = opts.product ?? DEFAULT_PRODUCT;
  r.take('type');
  const uid = r.string('id') ?? opts.newUid();
  const time = r.time('time', opts.now);
  const orgId = r.string('org_id');
  const message = r.string('message') ?? spec.message;
  const { activityId, activityName, attrs } = spec.build(r, { type, product, uid, time });
  const severityDefault = attrs.status_id === FAILURE ? Math.max(spec.severityId, LOW) : spec.severityId;
  const severityId = r.severity('severity', severityDefault);
  const unmapped = r.leftovers();
  // Built by assignment into the fresh header object: one object, no spread-and-copy of the whole event.
  const event: Record<string, unknown> = eventHeader(spec.classUid, activityId, severityId, activityName);
  event.time = time;
  event.message = message;
  event.metadata = compact({ uid, version: OCSF_VERSION, product: { ...product }, event_code: type, tenant_uid: orgId });
  Object.assign(event, attrs);
  if (unmapped) event.unmapped = unmapped;
  return event as OcsfEvent;
}
