import { describe, expect, it } from 'vitest';
import { formatFieldPath, parseFieldPath, pathCovers, type FieldPath } from '../../src/transforms/field-path.ts';

const path = (text: string): FieldPath => {
  const parsed = parseFieldPath(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.path;
};

describe('field paths', () => {
  it('parses dotted names with [] after arrays', () => {
    expect(path('actor.user.email_addr')).toEqual([
      { name: 'actor', array: false },
      { name: 'user', array: false },
      { name: 'email_addr', array: false },
    ]);
    expect(path('observables[].value')).toEqual([
      { name: 'observables', array: true },
      { name: 'value', array: false },
    ]);
    expect(path('privileges[]')).toEqual([{ name: 'privileges', array: true }]);
    expect(path('unmapped.x-forwarded-for')).toEqual([
      { name: 'unmapped', array: false },
      { name: 'x-forwarded-for', array: false },
    ]);
    for (const text of ['actor.user.email_addr', 'observables[].value', 'a[].b[].c']) expect(formatFieldPath(path(text))).toBe(text);
  });

  it('names the character where a malformed path goes wrong', () => {
    const cases: [unknown, RegExp][] = [
      ['', /must not be empty/],
      ['a..b', /malformed path "a\.\.b" at character 3: expected an attribute name, found "\."/],
      ['.a', /at character 1/],
      ['a.', /at character 3: expected an attribute name, found the end/],
      ['a b', /at character 2: unexpected " "/],
      ['a[0].b', /at character 2: unexpected "\["/],
      ['a[][]', /at character 4: unexpected "\["/],
      ['[]', /at character 1/],
      ['a]', /unexpected "\]"/],
      ['x'.repeat(257), /at most 256 characters/],
      [Array.from({ length: 33 }, () => 'a').join('.'), /at most 32 segments/],
      [42, /must be a string/],
    ];
    for (const [text, error] of cases) {
      const parsed = parseFieldPath(text);
      expect(parsed.ok, String(text)).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(error);
    }
  });

  it('pathCovers: a prefix covers what is inside it; a name without [] covers its elements', () => {
    expect(pathCovers(path('user'), path('user.name'))).toBe(true);
    expect(pathCovers(path('user.name'), path('user'))).toBe(false);
    expect(pathCovers(path('observables'), path('observables[].value'))).toBe(true);
    expect(pathCovers(path('observables[]'), path('observables[].value'))).toBe(true);
    expect(pathCovers(path('observables[].value'), path('observables.value'))).toBe(false);
    expect(pathCovers(path('user'), path('users.name'))).toBe(false);
  });
});
