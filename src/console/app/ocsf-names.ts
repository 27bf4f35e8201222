/** Names for the OCSF numbers the console shows: the classes siemstream publishes and the severity scale. */
import { OCSF_CLASSES } from '../../ocsf/classes.ts';

export const KNOWN_CLASSES: readonly { uid: number; caption: string }[] = OCSF_CLASSES.map((c) => ({ uid: c.uid, caption: c.caption }));

export const SEVERITIES: readonly [number, string][] = [
  [1, 'Informational'],
  [2, 'Low'],
  [3, 'Medium'],
  [4, 'High'],
  [5, 'Critical'],
  [6, 'Fatal'],
];

export function className(uid: number): string {
  const c = KNOWN_CLASSES.find((k) => k.uid === uid);
  return c ? `${uid} ${c.caption}` : String(uid);
}

export function severityName(id: number | null | undefined): string {
  if (id === null || id === undefined) return 'any';
  const s = SEVERITIES.find(([v]) => v === id);
  return s ? `${id} ${s[1]}` : String(id);
}
