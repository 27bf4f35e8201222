/** The examples in src/ocsf/README.md are real: each input maps to exactly the output shown, which is schema-valid. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OCSF_CLASS_BY_UID } from '../../src/ocsf/classes.ts';
import { mapSimpleEvent } from '../../src/ocsf/simple-events.ts';
import { schemaErrors } from './ocsf-schemas.ts';

const readme = readFileSync(fileURLToPath(new URL('../../src/ocsf/README.md', import.meta.url)), 'utf8');
const section = readme.slice(readme.indexOf('## One example per class'));
const examples = section
  .split(/^### /m)
  .slice(1)
  .map((part) => {
    const blocks = [...part.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]));
    return { title: part.slice(0, part.indexOf('\n')), input: blocks[0], output: blocks[1] };
  });

describe('README examples', () => {
  it('has one example per mapped class', () => {
    expect(examples.map((e) => e.output?.class_uid).sort()).toEqual([2004, 3001, 3002, 3005, 3006, 6003]);
  });

  for (const { title, input, output } of examples) {
    it(title, () => {
      const r = mapSimpleEvent(input, { now: () => 0, newUid: () => 'unused: every example has an id' });
      if (!r.ok) throw new Error(r.error);
      expect(r.event).toEqual(output);
      expect(schemaErrors(OCSF_CLASS_BY_UID.get(output.class_uid)!.name, output)).toBe('');
    });
  }
});
