/** The hand-written class table (what the hot-path validator checks) must say what the vendored schemas say. */
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_SHAPES, BASE_REQUIRED, OCSF_CLASSES } from '../../src/ocsf/classes.ts';
import { FINDING_STATUS_CAPTIONS, SEVERITY_CAPTIONS, STATUS_CAPTIONS } from '../../src/ocsf/vocabulary.ts';
import { loadSchema, type JsonSchema } from './ocsf-schemas.ts';

const sorted = (xs: Iterable<string | number>) => [...xs].map(String).sort();
/** The property names a list of `{ required: [x] }` alternatives names. */
const alternatives = (list: { required: string[] }[] | undefined) => sorted((list ?? []).flatMap((a) => a.required));
const defOf = (schema: JsonSchema, ref: string) => schema.$defs[ref.replace('#/$defs/', '')];

describe('class table vs OCSF 1.8.0 schemas', () => {
  it('base_event requires exactly BASE_REQUIRED', () => {
    expect(sorted(loadSchema('base_event').required)).toEqual(sorted(BASE_REQUIRED));
  });

  for (const rule of OCSF_CLASSES) {
    it(`${rule.uid} ${rule.name}: uids, required, at_least_one, just_one, activities, enums`, () => {
      const schema = loadSchema(rule.name);
      expect(schema.$comment).toContain(`class '${rule.name}'`);
      expect(schema.properties.class_uid.const).toBe(rule.uid);
      expect(schema.properties.category_uid.const).toBe(Math.floor(rule.uid / 1000));
      expect(sorted(schema.required)).toEqual(sorted([...BASE_REQUIRED, ...rule.required]));
      expect(alternatives(schema.anyOf)).toEqual(sorted(rule.atLeastOne ?? []));
      expect(alternatives(schema.oneOf)).toEqual(sorted(rule.justOne ?? []));
      expect(sorted(schema.properties.activity_id.enum)).toEqual(sorted(Object.keys(rule.activities)));
      expect(sorted(schema.properties.type_uid.enum)).toEqual(
        sorted(Object.keys(rule.activities).map((a) => rule.uid * 100 + Number(a))),
      );
      expect(sorted(schema.properties.severity_id.enum)).toEqual(sorted(Object.keys(SEVERITY_CAPTIONS)));
      const statusCaptions = rule.uid === 2004 ? FINDING_STATUS_CAPTIONS : STATUS_CAPTIONS;
      expect(sorted(schema.properties.status_id.enum)).toEqual(sorted(Object.keys(statusCaptions)));
    });
  }

  it('every attribute the validator shape-checks matches its object definition in every class that has it', () => {
    let compared = 0;
    for (const rule of OCSF_CLASSES) {
      const schema = loadSchema(rule.name);
      for (const [attr, shape] of Object.entries(ATTRIBUTE_SHAPES)) {
        const prop = schema.properties[attr];
        if (!prop) continue;
        compared++;
        if (shape.kind === 'string-array') {
          expect(prop, `${rule.name}.${attr}`).toMatchObject({ type: 'array', items: { type: 'string' } });
          continue;
        }
        const def = defOf(schema, prop.$ref);
        expect(def.type, `${rule.name}.${attr}`).toBe('object');
        expect(alternatives(def.anyOf), `${rule.name}.${attr} anyOf`).toEqual(sorted(shape.anyOf ?? []));
        expect(sorted(def.required ?? []), `${rule.name}.${attr} required`).toEqual(sorted(shape.required ?? []));
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('every required / at_least_one / just_one attribute of a known class has a shape', () => {
    for (const rule of OCSF_CLASSES) {
      for (const attr of [...rule.required, ...(rule.atLeastOne ?? []), ...(rule.justOne ?? [])]) {
        expect(ATTRIBUTE_SHAPES[attr], `${rule.name}.${attr}`).toBeDefined();
      }
    }
  });
});
