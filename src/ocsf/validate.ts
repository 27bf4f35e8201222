/**
 * Hot-path validation of published OCSF events (up to ~50k events/s): hand-written checks, no JSON Schema run.
 *
 * Checked for every event (the base event contract):
 * - the event is a JSON object; `class_uid` a non-negative integer;
 * - `category_uid` = floor(class_uid / 1000) (for extension classes, class_uid >= 100000, floor((class_uid %
 *   100000) / 1000) is accepted too, since extensions reuse core categories);
 * - `activity_id` an integer, `type_uid` = class_uid * 100 + activity_id;
 * - `severity_id` in {0..6, 99}; `time` an integer epoch in milliseconds (>= 0);
 * - `metadata` an object with `version` (string) and `product` (object with a string `name` or `uid`);
 *   `metadata.uid`, when given, a non-empty string (it is the event's identity for de-duplication).
 * For the known classes (see classes.ts) also: `activity_id` in the class's enum, the class's required
 * attributes, its at_least_one / just_one constraints, and one level of shape for those attributes.
 * Unknown class_uids are accepted when the base checks pass: customers may publish any OCSF class (or an
 * extension class) and siemstream only routes it.
 * Not checked (the full JSON Schema does): optional attributes, nested types, additionalProperties.
 */
import { ATTRIBUTE_SHAPES, OCSF_CLASS_BY_UID, type OcsfClassRule } from './classes.ts';

export type OcsfValidation = { ok: true } | { ok: false; error: string };

const OK: OcsfValidation = Object.freeze({ ok: true });

const fail = (field: string, reason: string): OcsfValidation => ({ ok: false, error: `${field}: ${reason}` });

const SEVERITY_IDS = new Set([0, 1, 2, 3, 4, 5, 6, 99]);

/** Activity ids per known class, precomputed as Sets for the hot path. */
const ACTIVITY_IDS: ReadonlyMap<number, ReadonlySet<number>> = new Map(
  [...OCSF_CLASS_BY_UID.values()].map((c) => [c.uid, new Set(Object.keys(c.activities).map(Number))]),
);

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPresent = (v: unknown) => v !== undefined && v !== null;
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function validateOcsfEvent(e: unknown): OcsfValidation {
  if (!isObject(e)) return fail('event', 'must be a JSON object');

  const classUid = e.class_uid;
  if (!Number.isSafeInteger(classUid) || (classUid as number) < 0) {
    return fail('class_uid', classUid === undefined ? 'required' : 'must be a non-negative integer');
  }
  const cls = classUid as number;

  const categoryUid = e.category_uid;
  const expectedCategory = Math.floor(cls / 1000);
  if (categoryUid !== expectedCategory && !(cls >= 100_000 && categoryUid === Math.floor((cls % 100_000) / 1000))) {
    return fail('category_uid', `must be ${expectedCategory} for class_uid ${cls}`);
  }

  const activityId = e.activity_id;
  if (!Number.isSafeInteger(activityId)) {
    return fail('activity_id', activityId === undefined ? 'required' : 'must be an integer');
  }
  const expectedType = cls * 100 + (activityId as number);
  if (e.type_uid !== expectedType) {
    return fail('type_uid', `must be ${expectedType} (class_uid * 100 + activity_id)`);
  }

  if (!SEVERITY_IDS.has(e.severity_id as number)) {
    return fail('severity_id', e.severity_id === undefined ? 'required' : 'must be one of 0-6 or 99');
  }

  const time = e.time;
  if (!Number.isSafeInteger(time) || (time as number) < 0) {
    return fail('time', time === undefined ? 'required' : 'must be an integer epoch in milliseconds');
  }

  const metadataError = checkMetadata(e.metadata);
  if (metadataError) return metadataError;

  const rule = OCSF_CLASS_BY_UID.get(cls);
  return rule ? checkClass(e, rule, activityId as number) : OK;
}

function checkMetadata(metadata: unknown): OcsfValidation | undefined {
  if (!isObject(metadata)) return fail('metadata', metadata === undefined ? 'required' : 'must be an object');
  if (typeof metadata.version !== 'string') {
    return fail('metadata.version', metadata.version === undefined ? 'required' : 'must be a string');
  }
  const product = metadata.product;
  if (!isObject(product)) {
    return fail('metadata.product', product === undefined ? 'required' : 'must be an object');
  }
  if (!isNonEmptyString(product.name) && !isNonEmptyString(product.uid)) {
    return fail('metadata.product', 'needs a name or uid (string)');
  }
  if (metadata.uid !== undefined && !isNonEmptyString(metadata.uid)) {
    return fail('metadata.uid', 'must be a non-empty string');
  }
  return undefined;
}

function checkClass(e: JsonObject, rule: OcsfClassRule, activityId: number): OcsfValidation {
  if (!ACTIVITY_IDS.get(rule.uid)!.has(activityId)) {
    return fail('activity_id', `${activityId} is not an activity of class ${rule.uid} (${rule.caption})`);
  }
  for (const attr of rule.required) {
    if (!isPresent(e[attr])) return fail(attr, `required by class ${rule.uid} (${rule.caption})`);
    const shapeError = checkShape(attr, e[attr]);
    if (shapeError) return shapeError;
  }
  if (rule.atLeastOne) {
    const present = countPresent(e, rule.atLeastOne);
    if (typeof present !== 'number') return present;
    if (present === 0) {
      return fail(rule.atLeastOne[0], `at least one of ${rule.atLeastOne.join(', ')} is required by class ${rule.uid}`);
    }
  }
  if (rule.justOne) {
    const present = countPresent(e, rule.justOne);
    if (typeof present !== 'number') return present;
    if (present !== 1) {
      return fail(rule.justOne[0], `exactly one of ${rule.justOne.join(', ')} is required by class ${rule.uid}`);
    }
  }
  return OK;
}

/** How many of a constraint group's attributes are present (each present one shape-checked). */
function countPresent(e: JsonObject, attrs: readonly string[]): number | OcsfValidation {
  let present = 0;
  for (const attr of attrs) {
    if (!isPresent(e[attr])) continue;
    present++;
    const shapeError = checkShape(attr, e[attr]);
    if (shapeError) return shapeError;
  }
  return present;
}

function checkShape(attr: string, value: unknown): OcsfValidation | undefined {
  const shape = ATTRIBUTE_SHAPES[attr];
  if (!shape) return undefined;
  if (shape.kind === 'string-array') {
    if (!Array.isArray(value)) return fail(attr, 'must be an array of strings');
    for (const item of value) if (typeof item !== 'string') return fail(attr, 'must be an array of strings');
    return undefined;
  }
  if (!isObject(value)) return fail(attr, 'must be an object');
  if (shape.required) {
    for (const key of shape.required) if (!isPresent(value[key])) return fail(`${attr}.${key}`, 'required');
  }
  if (shape.anyOf && !anyPresent(value, shape.anyOf)) return fail(attr, `needs one of ${shape.anyOf.join(', ')}`);
  return undefined;
}

/** A loop, not `some` with a closure: this runs for every attribute object of every published event. */
function anyPresent(value: Record<string, unknown>, keys: readonly string[]): boolean {
  for (let i = 0; i < keys.length; i++) if (isPresent(value[keys[i]!])) return true;
  return false;
}
