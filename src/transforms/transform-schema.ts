/**
 * A stream's `transforms` list as a TypeBox schema: the API body schema (OpenAPI), the shape the console form
 * renders, and the type of a validated list. validateTransforms() checks the same rules by hand so that every
 * error names the entry and the field (a union's Ajv errors would not), and adds the path checks a schema
 * cannot make; test/transforms/transform-schema.test.ts keeps the two in agreement.
 */
import { Type, type Static } from 'typebox';
import { MAX_PATH_LENGTH } from './field-path.ts';

export const MAX_TRANSFORMS = 64;
export const MAX_KEEP_ONLY_PATHS = 256;

export const PATH_OPS = ['drop', 'redact', 'hash', 'truncate_ip'] as const;
export type PathOp = (typeof PATH_OPS)[number];
export const TRANSFORM_OPS = [...PATH_OPS, 'keep_only'] as const;
export type TransformOp = (typeof TRANSFORM_OPS)[number];

const PathText = (description: string) => Type.String({ minLength: 1, maxLength: MAX_PATH_LENGTH, description });

const OP_DESCRIPTIONS: Record<PathOp, string> = {
  drop: 'Remove the field',
  redact: 'Replace every value of the field by "[REDACTED]"',
  hash: 'Replace every value by HMAC-SHA-256 with the organisation\'s key: "hmac-sha256:<64 hex digits>"',
  truncate_ip: 'Keep the network part of IP addresses (IPv4 /24, IPv6 /48); other values become "[REDACTED]"',
};

const pathTransform = (op: PathOp) =>
  Type.Object(
    {
      op: Type.Literal(op, { description: OP_DESCRIPTIONS[op] }),
      path: PathText('OCSF field path: attribute names joined by ".", "[]" after an array: observables[].value'),
    },
    { additionalProperties: false },
  );

export const KeepOnlyTransformSchema = Type.Object(
  {
    op: Type.Literal('keep_only', {
      description: 'Remove every field not listed (the OCSF classification ids, time and metadata.version/product/uid always stay)',
    }),
    paths: Type.Array(PathText('OCSF field path to keep'), { minItems: 1, maxItems: MAX_KEEP_ONLY_PATHS }),
  },
  { additionalProperties: false },
);

export const TransformSchema = Type.Union([...PATH_OPS.map(pathTransform), KeepOnlyTransformSchema]);

export const TransformListSchema = Type.Array(TransformSchema, {
  maxItems: MAX_TRANSFORMS,
  description: 'Field transforms applied in order after filters and before encoding (see src/transforms/README.md)',
});

export type PathTransform = { op: PathOp; path: string };
export type KeepOnlyTransform = Static<typeof KeepOnlyTransformSchema>;
export type Transform = PathTransform | KeepOnlyTransform;
export type TransformList = readonly Transform[];
