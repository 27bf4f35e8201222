/** Every error code of src/errors.ts is in the README "Errors" table, with its status, and the table has no others. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('error codes', () => {
  it('the README "Errors" table lists exactly the codes of src/errors.ts', () => {
    const union = /export type ErrorCode =([^;]+);/.exec(read('src/errors.ts'))![1]!;
    const codes = [...union.matchAll(/'(SIEM_ERR_[A-Z_]+)'/g)].map((m) => m[1]!).sort();
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('### Errors'), readme.indexOf('\n### ', readme.indexOf('### Errors') + 1));
    const rows = [...section.matchAll(/^\| (\d{3}) \| `(SIEM_ERR_[A-Z_]+)` \|/gm)].map((m) => ({ status: Number(m[1]), code: m[2]! }));
    expect(rows.map((r) => r.code).sort()).toEqual(codes);
    for (const r of rows) expect(r.status >= 400 && r.status < 600, r.code).toBe(true);
  });
});
