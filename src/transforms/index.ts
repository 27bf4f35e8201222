/** The transforms' public surface: what the API, delivery and preview call (see README.md). */
export { compileTransforms, REDACTED, type CompiledTransforms, type CompileTransformsOptions } from './compile-transforms.ts';
export { HASH_PREFIX, MIN_HASH_KEY_BYTES } from './hmac-pseudonym.ts';
export { PROTECTED_PATH_TEXTS } from './protected-paths.ts';
export { TransformListSchema, TransformSchema, TRANSFORM_OPS, type Transform, type TransformList } from './transform-schema.ts';
export { validateTransforms, type TransformIssue, type TransformValidation } from './validate-transforms.ts';
