/** Every Ajv keyword becomes an issue naming the field and the rule that failed, never Ajv's generic text. */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { toIssues } from '../../../src/connectors/shared/schema-issues.ts';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
// The options the service validates with (api/plugins/request-validators.ts, connectors/shared/config-schema.ts).
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false, verbose: true }));

const issuesOf = (schema: object, data: unknown) => {
  const validate = ajv.compile(schema);
  expect(validate(data)).toBe(false);
  return toIssues(validate.errors ?? []);
};
const one = (schema: object, data: unknown) => {
  const issues = issuesOf(schema, data);
  expect(issues, JSON.stringify(issues)).toHaveLength(1);
  return issues[0]!;
};
const field = (s: object) => Type.Object({ f: s as never });

describe('schema issues', () => {
  it.each([
    ['minimum', field(Type.Integer({ minimum: 1 })), { f: 0 }, 'Input should be >= 1', 'greater_than_equal'],
    ['maximum', field(Type.Integer({ maximum: 1000 })), { f: 1001 }, 'Input should be <= 1000', 'less_than_equal'],
    ['exclusiveMinimum', field(Type.Number({ exclusiveMinimum: 0 })), { f: 0 }, 'Input should be > 0', 'greater_than'],
    ['exclusiveMaximum', field(Type.Number({ exclusiveMaximum: 1 })), { f: 1 }, 'Input should be < 1', 'less_than'],
    ['multipleOf', field(Type.Integer({ multipleOf: 5 })), { f: 7 }, 'Input should be a multiple of 5', 'multiple_of'],
    ['minLength 1', field(Type.String({ minLength: 1 })), { f: '' }, 'String should not be empty', 'string_too_short'],
    ['minLength', field(Type.String({ minLength: 8 })), { f: 'abc' }, 'String should have at least 8 characters', 'string_too_short'],
    ['maxLength', field(Type.String({ maxLength: 3 })), { f: 'abcd' }, 'String should have at most 3 characters', 'string_too_long'],
    ['pattern', field(Type.String({ pattern: '^[a-z]+$' })), { f: 'A' }, "String should match pattern '^[a-z]+$'", 'value_error'],
    ['pattern with description', field(Type.String({ pattern: '^[a-z]+$', description: 'lower-case letters' })), { f: 'A' }, 'Invalid value (lower-case letters)', 'value_error'],
    ['format uuid', field(Type.String({ format: 'uuid' })), { f: 'abc' }, 'Input should be a valid UUID', 'value_error'],
    ['format date-time', field(Type.String({ format: 'date-time' })), { f: 'yesterday' }, 'Input should be a valid date-time (RFC 3339, e.g. 2026-01-31T12:00:00Z)', 'value_error'],
    ['enum', field(Type.Enum(['gzip', 'none'])), { f: 'zip' }, 'Input should be one of: gzip, none', 'enum'],
    ['const', field(Type.Literal('queued')), { f: 'done' }, 'Input should be queued', 'literal_error'],
    ['anyOf of constants', field(Type.Union([Type.Literal('all'), Type.Literal('pending')])), { f: 'x' }, 'Input should be one of: all, pending', 'enum'],
    ['type', field(Type.Integer()), { f: '5' }, 'Input should be a valid integer', 'integer_type'],
    ['type with nullable', field(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])), { f: 0 }, 'Input should be >= 1 (or null)', 'greater_than_equal'],
    ['minItems', field(Type.Array(Type.String(), { minItems: 1 })), { f: [] }, 'List should have at least 1 item', 'too_short'],
    ['maxItems', field(Type.Array(Type.String(), { maxItems: 2 })), { f: ['a', 'b', 'c'] }, 'List should have at most 2 items', 'too_long'],
    ['uniqueItems', field(Type.Array(Type.String(), { uniqueItems: true })), { f: ['a', 'a'] }, 'List items should be unique (items 0 and 1 are equal)', 'unique_items'],
    ['minProperties', field(Type.Object({}, { minProperties: 1 })), { f: {} }, 'Object should have at least 1 field', 'too_short'],
    ['maxProperties', field(Type.Record(Type.String(), Type.String(), { maxProperties: 1 })), { f: { a: 'x', b: 'y' } }, 'Object should have at most 1 fields', 'too_long'],
  ])('%s', (_name, schema, data, message, type) => {
    expect(one(schema, data)).toEqual({ path: ['f'], message, type });
  });

  it('required and additionalProperties name the field itself', () => {
    const schema = Type.Object({ a: Type.String() }, { additionalProperties: false });
    expect(issuesOf(schema, { b: 1 })).toEqual([
      { path: ['a'], message: 'Field required', type: 'missing' },
      { path: ['b'], message: 'Extra inputs are not permitted', type: 'extra_forbidden' },
    ]);
  });

  it('an anyOf reports the branch that got furthest, at its depth, and nothing generic', () => {
    const body = Type.Union([Type.Object({ ids: Type.Array(Type.String({ format: 'uuid' })) }, { additionalProperties: false }), Type.Null()]);
    expect(issuesOf(body, { ids: 'x' })).toEqual([{ path: ['ids'], message: 'Input should be a valid array', type: 'array_type' }]);
    expect(issuesOf(body, { ids: ['nope'] })).toEqual([{ path: ['ids', 0], message: 'Input should be a valid UUID', type: 'value_error' }]);
    expect(issuesOf(body, 5)).toEqual([{ path: [], message: 'Input should be a valid object (or null)', type: 'object_type' }]);
    const nested = field(Type.Union([Type.Union([Type.Literal('a'), Type.Literal('b')]), Type.Integer({ minimum: 10 })]));
    const issues = issuesOf(nested, 3);
    expect(issues.length).toBeGreaterThan(0);
    for (const i of issues) expect(i.message).not.toMatch(/anyOf|must match a schema/);
  });

  it('no keyword falls through to Ajv\'s "must …" wording for the schemas the API uses', () => {
    const schema = Type.Object({
      a: Type.Integer({ minimum: 0, maximum: 5 }),
      b: Type.Union([Type.Literal('x'), Type.Literal('y')]),
      c: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, uniqueItems: true }),
      d: Type.Union([Type.Boolean(), Type.Null()]),
    });
    const issues = issuesOf(schema, { a: 9, b: 'z', c: ['q', 'q'], d: 'yes' });
    expect([...new Set(issues.map((i) => i.path[0]))].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(issues).toContainEqual({ path: ['c'], message: 'List items should be unique (items 0 and 1 are equal)', type: 'unique_items' });
    expect(issues).toContainEqual({ path: ['d'], message: 'Input should be a valid boolean (or null)', type: 'boolean_type' });
    for (const i of issues) expect(i.message).not.toMatch(/^must /);
  });
});
