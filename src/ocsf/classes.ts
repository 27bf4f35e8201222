/**
 * The OCSF 1.8.0 classes siemstream knows, as hand-written data read off the vendored JSON Schemas
 * (test/fixtures/ocsf/1.8.0/<name>.json: `required`, top-level `anyOf` = at_least_one, `oneOf` = just_one,
 * `activity_id.enum`). The schemas are ~100 KB each, too slow to run per published event; this table is what the
 * hot-path validator checks. test/ocsf/classes.test.ts compares it with the schemas so the two cannot drift.
 */

export interface OcsfClassRule {
  uid: number;
  /** OCSF class name (the schema file name). */
  name: string;
  caption: string;
  /** Every activity_id the class allows, with its caption (0 Unknown and 99 Other included). */
  activities: Readonly<Record<number, string>>;
  /** Required attributes beyond the base event's (class_uid, category_uid, activity_id, type_uid, severity_id, time, metadata). */
  required: readonly string[];
  /** OCSF at_least_one: at least one of these attributes must be present. */
  atLeastOne?: readonly string[];
  /** OCSF just_one: exactly one of these attributes must be present. */
  justOne?: readonly string[];
}

/** Attributes every OCSF event must carry (base_event `required`). */
export const BASE_REQUIRED = [
  'activity_id',
  'category_uid',
  'class_uid',
  'metadata',
  'severity_id',
  'time',
  'type_uid',
] as const;

const withUnknownAndOther = (captions: Record<number, string>) => ({ 0: 'Unknown', ...captions, 99: 'Other' });

export const OCSF_CLASSES: readonly OcsfClassRule[] = [
  {
    uid: 2004,
    name: 'detection_finding',
    caption: 'Detection Finding',
    activities: withUnknownAndOther({ 1: 'Create', 2: 'Update', 3: 'Close' }),
    required: ['finding_info'],
  },
  {
    uid: 3001,
    name: 'account_change',
    caption: 'Account Change',
    activities: withUnknownAndOther({
      1: 'Create',
      2: 'Enable',
      3: 'Password Change',
      4: 'Password Reset',
      5: 'Disable',
      6: 'Delete',
      7: 'Attach Policy',
      8: 'Detach Policy',
      9: 'Lock',
      10: 'MFA Factor Enable',
      11: 'MFA Factor Disable',
      12: 'Unlock',
    }),
    required: ['user'],
  },
  {
    uid: 3002,
    name: 'authentication',
    caption: 'Authentication',
    activities: withUnknownAndOther({
      1: 'Logon',
      2: 'Logoff',
      3: 'Authentication Ticket',
      4: 'Service Ticket Request',
      5: 'Service Ticket Renew',
      6: 'Preauth',
      7: 'Account Switch',
    }),
    required: ['user'],
    atLeastOne: ['service', 'dst_endpoint'],
  },
  {
    uid: 3003,
    name: 'authorize_session',
    caption: 'Authorize Session',
    activities: withUnknownAndOther({ 1: 'Assign Privileges', 2: 'Assign Groups' }),
    required: ['user'],
    justOne: ['privileges', 'group'],
  },
  {
    uid: 3004,
    name: 'entity_management',
    caption: 'Entity Management',
    activities: withUnknownAndOther({
      1: 'Create',
      2: 'Read',
      3: 'Update',
      4: 'Delete',
      5: 'Move',
      6: 'Enroll',
      7: 'Unenroll',
      8: 'Enable',
      9: 'Disable',
      10: 'Activate',
      11: 'Deactivate',
      12: 'Suspend',
      13: 'Resume',
    }),
    required: ['entity'],
  },
  {
    uid: 3005,
    name: 'user_access',
    caption: 'User Access Management',
    activities: withUnknownAndOther({ 1: 'Assign Privileges', 2: 'Revoke Privileges' }),
    required: ['privileges', 'user'],
  },
  {
    uid: 3006,
    name: 'group_management',
    caption: 'Group Management',
    activities: withUnknownAndOther({
      1: 'Assign Privileges',
      2: 'Revoke Privileges',
      3: 'Add User',
      4: 'Remove User',
      5: 'Delete',
      6: 'Create',
      7: 'Add Subgroup',
      8: 'Remove Subgroup',
    }),
    required: ['group'],
  },
  {
    uid: 6003,
    name: 'api_activity',
    caption: 'API Activity',
    activities: withUnknownAndOther({ 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete' }),
    required: ['actor', 'api', 'src_endpoint'],
  },
];

export const OCSF_CLASS_BY_UID: ReadonlyMap<number, OcsfClassRule> = new Map(OCSF_CLASSES.map((c) => [c.uid, c]));

export function ocsfClass(uid: number): OcsfClassRule {
  const rule = OCSF_CLASS_BY_UID.get(uid);
  if (!rule) throw new Error(`OCSF class ${uid} is not in the known class table`);
  return rule;
}

/**
 * The one-level-deep shape of the attributes the validator checks (a known class's required, at_least_one and
 * just_one attributes): objects must hold one of `anyOf` (the object's own at_least_one) and all of `required`.
 * An attribute name has the same object type in every OCSF class, so one table serves all classes.
 */
export type AttributeShape =
  | { kind: 'object'; anyOf?: readonly string[]; required?: readonly string[] }
  | { kind: 'string-array' };

const NETWORK_ENDPOINT_KEYS = [
  'ip',
  'uid',
  'name',
  'hostname',
  'svc_name',
  'instance_uid',
  'interface_uid',
  'interface_name',
  'domain',
] as const;

export const ATTRIBUTE_SHAPES: Readonly<Record<string, AttributeShape>> = {
  actor: { kind: 'object', anyOf: ['process', 'user', 'invoked_by', 'session', 'app_name', 'app_uid'] },
  api: { kind: 'object', required: ['operation'] },
  dst_endpoint: { kind: 'object', anyOf: NETWORK_ENDPOINT_KEYS },
  entity: { kind: 'object', anyOf: ['name', 'uid', 'device', 'group', 'org', 'policy', 'user'] },
  finding_info: { kind: 'object', required: ['uid'] },
  group: { kind: 'object', anyOf: ['name', 'uid'] },
  privileges: { kind: 'string-array' },
  service: { kind: 'object', anyOf: ['name', 'uid'] },
  src_endpoint: { kind: 'object', anyOf: NETWORK_ENDPOINT_KEYS },
  user: { kind: 'object', anyOf: ['account', 'name', 'uid'] },
};
