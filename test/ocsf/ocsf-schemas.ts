/**
 * The vendored OCSF 1.8.0 JSON Schemas (test/fixtures/ocsf/1.8.0), compiled with Ajv 2020 as
 * test/fixtures/ocsf/README.md shows. Compiling one takes ~100 ms, so each is compiled once per test file.
 */
// The named export is the same class as README's default import, and typechecks under NodeNext (ajv is CommonJS).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';

const SCHEMA_DIR = fileURLToPath(new URL('../fixtures/ocsf/1.8.0/', import.meta.url));

export type JsonSchema = Record<string, any>;

export function loadSchema(className: string): JsonSchema {
  return JSON.parse(readFileSync(`${SCHEMA_DIR}${className}.json`, 'utf8'));
}

const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
const validators = new Map<string, ValidateFunction>();

export function schemaValidator(className: string): ValidateFunction {
  let validate = validators.get(className);
  if (!validate) {
    validate = ajv.compile(loadSchema(className));
    validators.set(className, validate);
  }
  return validate;
}

/** The schema's errors for `event` as one readable string ('' when valid). */
export function schemaErrors(className: string, event: unknown): string {
  const validate = schemaValidator(className);
  return validate(event) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}
