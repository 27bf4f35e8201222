/**
 * Schema validators for the parts of a request. A JSON body is typed by its sender, so it is checked strictly (a
 * string "5" is not a batch_size). Query strings and path parameters are text by nature: `?limit=10` is the
 * integer 10, so there a value is read as the number or boolean its schema asks for — when the text is exactly
 * one (decimal, finite: not " 5", "0x10" or "1e400", which Ajv's own coercion lets through) — and then checked.
 */
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS: under NodeNext the default import is module.exports, whose `default` is the plugin.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const options: Options = {
  coerceTypes: false,
  // Every problem in one answer, each naming its field.
  allErrors: true,
  removeAdditional: false,
  useDefaults: false,
  // Errors carry the failing schema: the error handler describes anyOf branches and pattern descriptions with it.
  verbose: true,
  // Route schemas are compiled once each; none is shared by reference.
  addUsedSchema: false,
  strict: false,
};

const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

type PropertySchema = { type?: unknown; anyOf?: PropertySchema[] };

/** The JSON types a property's schema accepts (its own `type`, or its anyOf branches'). */
function typesOf(schema: PropertySchema | undefined): Set<string> {
  const types = new Set<string>();
  if (!schema) return types;
  for (const t of [schema.type].flat()) if (typeof t === 'string') types.add(t);
  for (const branch of schema.anyOf ?? []) for (const t of typesOf(branch)) types.add(t);
  return types;
}

/** A text value as its schema's number or boolean; anything else stays text, for the schema to refuse. */
function fromText(text: string, types: Set<string>): unknown {
  if ((types.has('integer') || types.has('number')) && DECIMAL.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) return n;
  }
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** Validates text parameters (querystring, params) after reading each top-level value as its schema asks. */
function textParameters(validate: ReturnType<Ajv['compile']>, schema: { properties?: Record<string, PropertySchema> }) {
  const properties = schema.properties ?? {};
  const fn = (data: unknown) => {
    let value = data;
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      const read: Record<string, unknown> = Object.create(null);
      for (const [key, v] of Object.entries(data)) {
        read[key] = typeof v === 'string' && Object.hasOwn(properties, key) ? fromText(v, typesOf(properties[key])) : v;
      }
      value = read;
    }
    const ok = validate(value);
    fn.errors = validate.errors as ErrorObject[] | null | undefined;
    // Fastify takes `value` as the request's new query/params.
    return ok ? { value } : false;
  };
  fn.errors = undefined as ErrorObject[] | null | undefined;
  return fn;
}

/** schemaController.compilersFactory.buildValidator: strict bodies and headers, text-read querystring and params. */
export function buildRequestValidator(externalSchemas: unknown): FastifySchemaCompiler<unknown> {
  const ajv = new Ajv(options);
  addFormats(ajv);
  for (const schema of Object.values(externalSchemas as Record<string, object>)) ajv.addSchema(schema);
  return ({ schema, httpPart }) => {
    const id = (schema as { $id?: string }).$id;
    const validate = (id && ajv.getSchema(id)) || ajv.compile(schema as object);
    return httpPart === 'querystring' || httpPart === 'params' ? (textParameters(validate, schema as never) as never) : validate;
  };
}
