/**
 * Whether a field path names an OCSF attribute of a stream's classes, read off the generated attribute table
 * (ocsf-attribute-table.ts). Only the transform validator asks, at config create/update: never per event.
 */
import { OCSF_CLASS_BY_UID } from '../ocsf/classes.ts';
import type { FieldPath } from './field-path.ts';
import { OCSF_ATTRIBUTE_TABLE } from './ocsf-attribute-table.ts';
import type { OcsfAttributeTable } from './ocsf-attribute-table-shape.ts';

export type PathResolution =
  | {
      known: true;
      /** Type codes of the attribute the path ends at (one per class that has it; usually one). `json` below free-form data. */
      types: readonly string[];
    }
  | { known: false; reason: string };

/** OCSF's free-form object (`unmapped`, `data` …): any key below it is known. */
const FREE_FORM_OBJECT = '#object';

/** The classes a stream's paths are checked against: its filter's classes, or all known ones. */
export function classScope(classUids: readonly number[] | undefined, table: OcsfAttributeTable = OCSF_ATTRIBUTE_TABLE): number[] {
  const known = Object.keys(table.classes).map(Number);
  // An empty filter selects every class; a class we have no schema for could carry any attribute, so the
  // path is checked against all classes we know rather than refused.
  if (!classUids || classUids.length === 0 || classUids.some((uid) => !(String(uid) in table.classes))) return known;
  return [...new Set(classUids)];
}

export function describeScope(classUids: readonly number[]): string {
  const names = classUids.map((uid) => `${uid} (${OCSF_CLASS_BY_UID.get(uid)?.caption ?? 'unknown'})`);
  return names.length === 1 ? `class ${names[0]}` : `classes ${names.join(', ')}`;
}

export function resolveOcsfPath(
  path: FieldPath,
  classUids: readonly number[],
  table: OcsfAttributeTable = OCSF_ATTRIBUTE_TABLE,
): PathResolution {
  let scopes: Readonly<Record<string, string>>[] = classUids.map((uid) => table.classes[String(uid)]).filter((s) => s !== undefined);
  let types: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    const found = [...new Set(scopes.map((s) => s[seg.name]).filter((t): t is string => t !== undefined))];
    if (found.length === 0) {
      const where = i === 0 ? '' : ` of ${path.slice(0, i).map((s) => s.name).join('.')}`;
      return { known: false, reason: `"${seg.name}" is not an attribute${where}` };
    }
    const next: Readonly<Record<string, string>>[] = [];
    const reached: string[] = [];
    let mismatch: string | undefined;
    for (const type of found) {
      const isArray = type.endsWith('[]');
      const base = isArray ? type.slice(0, -2) : type;
      // Any JSON (json_t) may be an array or hold anything: there is no schema below it to check against.
      if (base === 'json') return { known: true, types: ['json'] };
      if (seg.array && !isArray) {
        mismatch = `"${seg.name}" is not an array: write ${seg.name} without []`;
        continue;
      }
      if (!seg.array && isArray && !last) {
        mismatch = `"${seg.name}" is an array: write ${seg.name}[]`;
        continue;
      }
      if (base === FREE_FORM_OBJECT) return { known: true, types: ['json'] };
      reached.push(seg.array ? base : type);
      if (base.startsWith('#')) {
        const def = table.objects[base.slice(1)];
        if (def) next.push(def);
      }
    }
    if (reached.length === 0) return { known: false, reason: mismatch ?? `"${seg.name}" does not fit` };
    if (!last && next.length === 0) return { known: false, reason: `"${seg.name}" is a ${reached.join(' / ')}: it has no attributes` };
    scopes = next;
    types = reached;
  }
  return { known: true, types: [...new Set(types)] };
}
