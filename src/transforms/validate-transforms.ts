/**
 * Checks a stream's `transforms` list at config create/update. Errors make the config invalid (a 422 naming the
 * entry and the field); warnings are shown with the config and do not block it:
 *
 * errors   — not a list or over MAX_TRANSFORMS entries; an entry that is not an object, has an unknown `op`, a
 *            missing or extra field; a malformed path; a path that would remove or rewrite a protected attribute
 *            (protected-paths.ts);
 * warnings — a path that is no attribute of the stream's classes (checked against the OCSF 1.8.0 schemas; no class
 *            filter, or a class siemstream has no schema for, means every known class); truncate_ip on an attribute
 *            that is not an IP address; redact/hash of a number or boolean attribute (its values become strings);
 *            drop or keep_only removing an attribute the class requires (the event no longer validates against
 *            the class's schema).
 *
 * Issue paths are relative to the list: `[2, "path"]`, `[0, "paths", 3]`; the API prefixes its own location.
 */
import { OCSF_CLASS_BY_UID } from '../ocsf/classes.ts';
import { parseFieldPath, type FieldPath } from './field-path.ts';
import { classScope, describeScope, resolveOcsfPath } from './ocsf-paths.ts';
import { protectedPathHit, PROTECTED_PATH_TEXTS } from './protected-paths.ts';
import { MAX_KEEP_ONLY_PATHS, MAX_TRANSFORMS, PATH_OPS, TRANSFORM_OPS, type PathOp } from './transform-schema.ts';

/** The same shape as a connector's FieldIssue: `path` is where in the list, not a field path. */
export interface TransformIssue {
  path: (string | number)[];
  message: string;
  type: string;
}

export interface TransformValidation {
  errors: TransformIssue[];
  warnings: TransformIssue[];
}

export interface ValidateTransformsOptions {
  /** The stream's class filter (`filters.class_uids`); absent or empty: every class. */
  classUids?: readonly number[];
}

const NON_STRING_SCALARS = new Set(['integer', 'number', 'boolean']);

export function validateTransforms(input: unknown, opts: ValidateTransformsOptions = {}): TransformValidation {
  const errors: TransformIssue[] = [];
  const warnings: TransformIssue[] = [];
  if (!Array.isArray(input)) {
    errors.push({ path: [], message: 'Input should be a valid array', type: 'array_type' });
    return { errors, warnings };
  }
  if (input.length > MAX_TRANSFORMS) {
    errors.push({ path: [], message: `List should have at most ${MAX_TRANSFORMS} items`, type: 'too_long' });
    return { errors, warnings };
  }
  const scope = classScope(opts.classUids);
  input.forEach((entry, index) => checkEntry(entry, index, scope, errors, warnings));
  return { errors, warnings };
}

function checkEntry(entry: unknown, index: number, scope: number[], errors: TransformIssue[], warnings: TransformIssue[]): void {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    errors.push({ path: [index], message: 'Input should be a valid object', type: 'object_type' });
    return;
  }
  const e = entry as Record<string, unknown>;
  if (e.op === undefined) {
    errors.push({ path: [index, 'op'], message: 'Field required', type: 'missing' });
    return;
  }
  if (typeof e.op !== 'string' || !(TRANSFORM_OPS as readonly string[]).includes(e.op)) {
    errors.push({ path: [index, 'op'], message: `Input should be one of: ${TRANSFORM_OPS.join(', ')}`, type: 'enum' });
    return;
  }
  const allowed = e.op === 'keep_only' ? 'paths' : 'path';
  for (const key of Object.keys(e)) {
    if (key !== 'op' && key !== allowed) errors.push({ path: [index, key], message: 'Extra inputs are not permitted', type: 'extra_forbidden' });
  }
  if (e.op === 'keep_only') checkKeepOnly(e.paths, index, scope, errors, warnings);
  else checkPathOp(e.op as PathOp, e.path, index, scope, errors, warnings);
}

function checkPathOp(op: PathOp, text: unknown, index: number, scope: number[], errors: TransformIssue[], warnings: TransformIssue[]): void {
  const loc = [index, 'path'];
  if (text === undefined) {
    errors.push({ path: loc, message: 'Field required', type: 'missing' });
    return;
  }
  const parsed = parseFieldPath(text);
  if (!parsed.ok) {
    errors.push({ path: loc, message: parsed.error, type: typeof text === 'string' ? 'value_error' : 'string_type' });
    return;
  }
  const hit = protectedPathHit(parsed.path);
  if (hit) {
    errors.push({
      path: loc,
      message: `${op} ${text}: ${hit} must stay in every event (always kept: ${PROTECTED_PATH_TEXTS.join(', ')})`,
      type: 'value_error',
    });
    return;
  }
  const resolved = resolveOcsfPath(parsed.path, scope);
  if (!resolved.known) {
    warnings.push({ path: loc, message: `${text}: ${resolved.reason} in ${describeScope(scope)}`, type: 'unknown_path' });
    return;
  }
  const types = resolved.types.map((t) => (t.endsWith('[]') ? t.slice(0, -2) : t));
  if (op === 'truncate_ip' && !types.some((t) => t === 'ip' || t === 'json')) {
    warnings.push({
      path: loc,
      message: `truncate_ip ${text}: not an IP address attribute (${resolved.types.join(' / ')}); values that are not IP addresses become "[REDACTED]"`,
      type: 'type_change',
    });
  }
  if ((op === 'redact' || op === 'hash') && types.some((t) => NON_STRING_SCALARS.has(t))) {
    warnings.push({
      path: loc,
      message: `${op} ${text}: a ${types.filter((t) => NON_STRING_SCALARS.has(t)).join(' / ')} attribute; its values become strings`,
      type: 'type_change',
    });
  }
  if (op === 'drop' && parsed.path.length === 1) {
    const requiring = classesRequiring(parsed.path[0]!.name, scope);
    if (requiring.length > 0) {
      warnings.push({
        path: loc,
        message: `drop ${text}: required by ${describeScope(requiring)}; events without it no longer validate against the class schema`,
        type: 'required_attribute',
      });
    }
  }
}

function checkKeepOnly(paths: unknown, index: number, scope: number[], errors: TransformIssue[], warnings: TransformIssue[]): void {
  const loc = [index, 'paths'];
  if (paths === undefined) {
    errors.push({ path: loc, message: 'Field required', type: 'missing' });
    return;
  }
  if (!Array.isArray(paths)) {
    errors.push({ path: loc, message: 'Input should be a valid array', type: 'array_type' });
    return;
  }
  if (paths.length === 0) {
    errors.push({ path: loc, message: 'List should have at least 1 item', type: 'too_short' });
    return;
  }
  if (paths.length > MAX_KEEP_ONLY_PATHS) {
    errors.push({ path: loc, message: `List should have at most ${MAX_KEEP_ONLY_PATHS} items`, type: 'too_long' });
    return;
  }
  const kept: FieldPath[] = [];
  paths.forEach((text, j) => {
    const parsed = parseFieldPath(text);
    if (!parsed.ok) {
      errors.push({ path: [...loc, j], message: parsed.error, type: typeof text === 'string' ? 'value_error' : 'string_type' });
      return;
    }
    kept.push(parsed.path);
    const resolved = resolveOcsfPath(parsed.path, scope);
    if (!resolved.known) {
      warnings.push({ path: [...loc, j], message: `${text}: ${resolved.reason} in ${describeScope(scope)}`, type: 'unknown_path' });
    }
  });
  if (kept.length !== paths.length) return;
  const removed = new Map<string, number[]>();
  for (const uid of scope) {
    for (const attr of OCSF_CLASS_BY_UID.get(uid)?.required ?? []) {
      if (kept.some((p) => p[0]!.name === attr)) continue;
      removed.set(attr, [...(removed.get(attr) ?? []), uid]);
    }
  }
  for (const [attr, uids] of removed) {
    warnings.push({
      path: loc,
      message: `keep_only removes ${attr}, required by ${describeScope(uids)}; keep ${attr} (or one of its attributes) for events to validate against the class schema`,
      type: 'required_attribute',
    });
  }
}

function classesRequiring(attr: string, scope: number[]): number[] {
  return scope.filter((uid) => OCSF_CLASS_BY_UID.get(uid)?.required.includes(attr));
}

/** The first error as one line, for programming errors (a list that skipped validation). */
export function describeIssue(issue: TransformIssue): string {
  return `transforms${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}: ${issue.message}`;
}

