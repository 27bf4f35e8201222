/**
 * The attributes no transform may remove or rewrite, and that keep_only always keeps: the OCSF base event's
 * classification ids and time, and metadata's version, product and uid. They carry no personal data; the
 * pipeline, every output format and every SIEM mapping read them, and without them the event is no longer a
 * valid OCSF event (metadata.uid is siemstream's de-duplication identity).
 */
import { parseFieldPath, type FieldPath } from './field-path.ts';

export const PROTECTED_PATH_TEXTS = [
  'class_uid',
  'category_uid',
  'activity_id',
  'type_uid',
  'severity_id',
  'time',
  'metadata.version',
  'metadata.product',
  'metadata.uid',
] as const;

export const PROTECTED_PATHS: readonly FieldPath[] = PROTECTED_PATH_TEXTS.map((text) => {
  const parsed = parseFieldPath(text);
  if (!parsed.ok) throw new Error(`protected path ${text}: ${parsed.error}`);
  return parsed.path;
});

/**
 * The protected path that `path` would remove or rewrite (it names it, an attribute inside it, or its parent).
 * By names alone: `metadata[]` matches nothing at run time, but says the same thing and is refused the same way.
 */
export function protectedPathHit(path: FieldPath): string | undefined {
  for (let i = 0; i < PROTECTED_PATHS.length; i++) {
    const p = PROTECTED_PATHS[i]!;
    const n = Math.min(p.length, path.length);
    let same = true;
    for (let j = 0; j < n && same; j++) same = p[j]!.name === path[j]!.name;
    if (same) return PROTECTED_PATH_TEXTS[i];
  }
  return undefined;
}
