import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransformListSchema, validateTransforms } from '../../src/transforms/index.ts';

const messages = (issues: { path: (string | number)[]; message: string }[]) => issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('validateTransforms', () => {
  it('accepts a good list with no warnings', () => {
    const result = validateTransforms(
      [
        { op: 'drop', path: 'actor.user.email_addr' },
        { op: 'redact', path: 'observables[].value' },
        { op: 'hash', path: 'user.uid' },
        { op: 'truncate_ip', path: 'src_endpoint.ip' },
        { op: 'drop', path: 'raw_data' },
        { op: 'hash', path: 'unmapped.customer.id' },
        { op: 'keep_only', paths: ['user', 'actor', 'api', 'src_endpoint', 'observables[].type_id'] },
      ],
      { classUids: [3002, 6003] },
    );
    expect(result).toEqual({ errors: [], warnings: [] });
  });

  it('errors name the entry and the field', () => {
    const { errors } = validateTransforms([
      { op: 'drop', path: 'a..b' },
      { op: 'shred', path: 'user' },
      { path: 'user' },
      { op: 'redact' },
      { op: 'hash', path: 'user.uid', paths: ['x'] },
      { op: 'keep_only', paths: ['user', 'bad path'] },
      { op: 'keep_only', paths: [] },
      'drop user',
      { op: 'truncate_ip', path: 7 },
      { op: 'drop', path: 'metadata' },
      { op: 'redact', path: 'metadata.product.name' },
      { op: 'hash', path: 'time' },
    ]);
    expect(messages(errors)).toEqual([
      '0.path: malformed path "a..b" at character 3: expected an attribute name, found "."',
      '1.op: Input should be one of: drop, redact, hash, truncate_ip, keep_only',
      '2.op: Field required',
      '3.path: Field required',
      '4.paths: Extra inputs are not permitted',
      '5.paths.1: malformed path "bad path" at character 4: unexpected " " (names are letters, digits, _ and -, each optionally followed by [])',
      '6.paths: List should have at least 1 item',
      '7: Input should be a valid object',
      '8.path: must be a string',
      '9.path: drop metadata: metadata.version must stay in every event (always kept: class_uid, category_uid, activity_id, type_uid, severity_id, time, metadata.version, metadata.product, metadata.uid)',
      '10.path: redact metadata.product.name: metadata.product must stay in every event (always kept: class_uid, category_uid, activity_id, type_uid, severity_id, time, metadata.version, metadata.product, metadata.uid)',
      '11.path: hash time: time must stay in every event (always kept: class_uid, category_uid, activity_id, type_uid, severity_id, time, metadata.version, metadata.product, metadata.uid)',
    ]);
    expect(errors.map((e) => e.type)).toEqual(['value_error', 'enum', 'missing', 'missing', 'extra_forbidden', 'value_error', 'too_short', 'object_type', 'string_type', 'value_error', 'value_error', 'value_error']);
  });

  it('refuses what is not a list, or a list too long', () => {
    expect(messages(validateTransforms({ op: 'drop' }).errors)).toEqual([': Input should be a valid array']);
    expect(messages(validateTransforms(Array.from({ length: 65 }, () => ({ op: 'drop', path: 'raw_data' }))).errors)).toEqual([': List should have at most 64 items']);
  });

  it('warns about paths the stream’s classes do not have', () => {
    const { errors, warnings } = validateTransforms(
      [
        { op: 'drop', path: 'user.emial' },
        { op: 'drop', path: 'observables.value' },
        { op: 'drop', path: 'user[]' },
        { op: 'redact', path: 'message.text' },
        { op: 'keep_only', paths: ['user', 'finding_info.title'] },
      ],
      { classUids: [3002] },
    );
    expect(errors).toEqual([]);
    expect(messages(warnings)).toEqual([
      '0.path: user.emial: "emial" is not an attribute of user in class 3002 (Authentication)',
      '1.path: observables.value: "observables" is an array: write observables[] in class 3002 (Authentication)',
      '2.path: user[]: "user" is not an array: write user without [] in class 3002 (Authentication)',
      '3.path: message.text: "message" is a string: it has no attributes in class 3002 (Authentication)',
      '4.paths.1: finding_info.title: "finding_info" is not an attribute in class 3002 (Authentication)',
    ]);
    expect(warnings.every((w) => w.type === 'unknown_path')).toBe(true);
  });

  it('checks against every class when the filter is empty or names a class without a schema', () => {
    const list = [{ op: 'drop', path: 'finding_info.title' }];
    expect(validateTransforms(list, { classUids: [3002] }).warnings).toHaveLength(1);
    expect(validateTransforms(list).warnings).toEqual([]);
    expect(validateTransforms(list, { classUids: [3002, 4001] }).warnings).toEqual([]);
    expect(messages(validateTransforms([{ op: 'drop', path: 'nope' }]).warnings)[0]).toMatch(/^0\.path: nope: "nope" is not an attribute in classes 2004 \(Detection Finding\), 3001/);
  });

  it('anything below a free-form attribute is known', () => {
    expect(validateTransforms([{ op: 'hash', path: 'unmapped.a.b[].c' }, { op: 'drop', path: 'enrichments[].data.x' }], { classUids: [3002] }).warnings).toEqual([]);
  });

  it('warns about type changes and about removing what a class requires', () => {
    const { warnings } = validateTransforms(
      [
        { op: 'truncate_ip', path: 'user.name' },
        { op: 'hash', path: 'src_endpoint.port' },
        { op: 'redact', path: 'is_mfa' },
        { op: 'drop', path: 'user' },
        { op: 'truncate_ip', path: 'src_endpoint.intermediate_ips' },
        { op: 'keep_only', paths: ['src_endpoint'] },
      ],
      { classUids: [3002, 6003] },
    );
    expect(messages(warnings)).toEqual([
      '0.path: truncate_ip user.name: not an IP address attribute (string); values that are not IP addresses become "[REDACTED]"',
      '1.path: hash src_endpoint.port: a integer attribute; its values become strings',
      '2.path: redact is_mfa: a boolean attribute; its values become strings',
      '3.path: drop user: required by class 3002 (Authentication); events without it no longer validate against the class schema',
      '5.paths: keep_only removes user, required by class 3002 (Authentication); keep user (or one of its attributes) for events to validate against the class schema',
      '5.paths: keep_only removes actor, required by class 6003 (API Activity); keep actor (or one of its attributes) for events to validate against the class schema',
      '5.paths: keep_only removes api, required by class 6003 (API Activity); keep api (or one of its attributes) for events to validate against the class schema',
    ]);
  });
});

describe('TransformListSchema agrees with validateTransforms', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(TransformListSchema);
  const pathText = fc.oneof(fc.constantFrom('user.name', 'observables[].value', 'raw_data', 'a..b', '', 'x y', 'metadata.uid'), fc.string({ maxLength: 6 }));
  const entry = fc.oneof(
    fc.record({ op: fc.constantFrom('drop', 'redact', 'hash', 'truncate_ip', 'keep_only', 'shred'), path: pathText }, { requiredKeys: [] }),
    fc.record({ op: fc.constantFrom('keep_only', 'drop'), paths: fc.array(pathText, { maxLength: 3 }) }, { requiredKeys: [] }),
    fc.record({ op: fc.constant('drop'), path: pathText, extra: fc.string() }),
    fc.constantFrom(null, 'drop', 42),
  );

  it('what the validator accepts, the schema accepts; what the schema refuses, the validator refuses', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), (list) => {
        const byValidator = validateTransforms(list).errors.length === 0;
        const bySchema = validate(list) as boolean;
        // The validator also refuses malformed and protected paths, which the schema cannot express.
        if (byValidator) expect(bySchema).toBe(true);
        if (!bySchema) expect(byValidator).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
