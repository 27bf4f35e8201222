/**
 * Text a config or name may hold: well-formed Unicode. A lone UTF-16 surrogate ("\ud800" in JSON) has no UTF-8
 * form, so storing it would change it (databases and encryption work on UTF-8) or fail: it is refused with a
 * 422 naming the field, in every string and object key of the value. So is NUL (U+0000): PostgreSQL text cannot
 * hold it, so one store would refuse what the other keeps, and no SIEM field or header means anything with it.
 */
import type { ValidationIssue } from '../errors.ts';

const MAX_DEPTH = 32;
/** With the u flag a valid pair is one code point, so only a lone surrogate matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;
const NUL = '\u0000';

export function wellFormedTextIssues(value: unknown, loc: (string | number)[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  walk(value, loc, issues, 0);
  return issues;
}

function walk(value: unknown, loc: (string | number)[], issues: ValidationIssue[], depth: number): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) issues.push({ loc, msg: 'String should be well-formed Unicode (it holds a lone UTF-16 surrogate)', type: 'string_unicode' });
    else if (value.includes(NUL)) issues.push({ loc, msg: 'String should not contain NUL (\\u0000)', type: 'string_unicode' });
    return;
  }
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, [...loc, i], issues, depth + 1));
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) {
      // The key itself cannot be shown as text: name it by its escaped form.
      issues.push({ loc: [...loc, JSON.stringify(key).slice(1, -1)], msg: 'Field name should be well-formed Unicode (it holds a lone UTF-16 surrogate)', type: 'string_unicode' });
      continue;
    }
    if (key.includes(NUL)) {
      issues.push({ loc: [...loc, JSON.stringify(key).slice(1, -1)], msg: 'Field name should not contain NUL (\\u0000)', type: 'string_unicode' });
      continue;
    }
    walk(v, [...loc, key], issues, depth + 1);
  }
}
