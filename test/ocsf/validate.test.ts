import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OCSF_CLASS_BY_UID } from '../../src/ocsf/classes.ts';
import { mapSimpleEvent, SIMPLE_EVENT_TYPES } from '../../src/ocsf/simple-events.ts';
import { validateOcsfEvent } from '../../src/ocsf/validate.ts';
import { schemaErrors } from './ocsf-schemas.ts';
import { SIMPLE_EVENT_EXAMPLES } from './simple-event-examples.ts';

/** protocols.md §8.3 "Minimal valid example". */
const minimal = () => ({
  activity_id: 1,
  category_uid: 3,
  class_uid: 3002,
  type_uid: 300201,
  severity_id: 1,
  time: 1718020800000,
  metadata: { version: '1.8.0', product: { name: 'AuthSvc', vendor_name: 'Acme' } },
  user: { name: 'alice' },
  service: { name: 'sshd' },
});

type Ev = Record<string, any>;
const without = (e: Ev, key: string) => {
  const copy = { ...e };
  delete copy[key];
  return copy;
};

/** Expect a rejection whose error names `field` first ("<field>: <reason>"). */
function expectRejected(e: unknown, field: string) {
  const result = validateOcsfEvent(e);
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.error.startsWith(`${field}: `), result.error).toBe(true);
}

describe('validateOcsfEvent', () => {
  it('accepts the protocols.md §8.3 minimal example (which the JSON Schema accepts too)', () => {
    expect(schemaErrors('authentication', minimal())).toBe('');
    expect(validateOcsfEvent(minimal())).toEqual({ ok: true });
  });

  it.each<[string, Ev, string]>([
    ['missing user', without(minimal(), 'user'), 'user'],
    ['user without name/uid/account', { ...minimal(), user: { email_addr: 'a@b.co' } }, 'user'],
    ['user not an object', { ...minimal(), user: 'alice' }, 'user'],
    ['neither service nor dst_endpoint', without(minimal(), 'service'), 'service'],
    ['service without name/uid', { ...minimal(), service: {} }, 'service'],
    ['type_uid mismatch', { ...minimal(), type_uid: 300202 }, 'type_uid'],
    ['missing type_uid', without(minimal(), 'type_uid'), 'type_uid'],
    ['string time', { ...minimal(), time: '2024-06-10T12:00:00Z' }, 'time'],
    ['fractional time', { ...minimal(), time: 1718020800000.5 }, 'time'],
    ['missing time', without(minimal(), 'time'), 'time'],
    ['bad severity', { ...minimal(), severity_id: 7 }, 'severity_id'],
    ['string severity', { ...minimal(), severity_id: '1' }, 'severity_id'],
    ['missing metadata', without(minimal(), 'metadata'), 'metadata'],
    ['missing metadata.product', { ...minimal(), metadata: { version: '1.8.0' } }, 'metadata.product'],
    ['product without name/uid', { ...minimal(), metadata: { version: '1.8.0', product: { vendor_name: 'Acme' } } }, 'metadata.product'],
    ['missing metadata.version', { ...minimal(), metadata: { product: { name: 'x' } } }, 'metadata.version'],
    ['numeric metadata.version', { ...minimal(), metadata: { version: 1.8, product: { name: 'x' } } }, 'metadata.version'],
    ['empty metadata.uid', { ...minimal(), metadata: { ...minimal().metadata, uid: '' } }, 'metadata.uid'],
    ['wrong category', { ...minimal(), category_uid: 2 }, 'category_uid'],
    ['missing category', without(minimal(), 'category_uid'), 'category_uid'],
    ['string class_uid', { ...minimal(), class_uid: '3002' }, 'class_uid'],
    ['negative class_uid', { ...minimal(), class_uid: -1 }, 'class_uid'],
    ['missing activity_id', without(minimal(), 'activity_id'), 'activity_id'],
    ['activity not in the class', { ...minimal(), activity_id: 8, type_uid: 300208 }, 'activity_id'],
  ])('rejects %s', (_name, event, field) => {
    expectRejected(event, field);
  });

  it('rejects non-objects', () => {
    for (const e of [null, 1, 'x', [], [minimal()], undefined]) expectRejected(e, 'event');
  });

  it('checks the class rules of the other known classes (required, just_one, nested required)', () => {
    const base = (classUid: number, activityId: number) => ({
      ...minimal(),
      class_uid: classUid,
      category_uid: Math.floor(classUid / 1000),
      activity_id: activityId,
      type_uid: classUid * 100 + activityId,
      service: undefined,
      user: undefined,
    });
    const finding = { ...base(2004, 1), finding_info: { uid: 'f-1' } };
    expect(validateOcsfEvent(finding)).toEqual({ ok: true });
    expectRejected({ ...finding, finding_info: { title: 'x' } }, 'finding_info.uid');

    const api = { ...base(6003, 2), actor: { app_name: 'cli' }, api: { operation: 'Get' }, src_endpoint: { ip: '192.0.2.1' } };
    expect(validateOcsfEvent(api)).toEqual({ ok: true });
    expectRejected({ ...api, api: {} }, 'api.operation');
    expectRejected({ ...api, src_endpoint: { port: 443 } }, 'src_endpoint');
    expectRejected(without(api, 'actor'), 'actor');

    const session = { ...base(3003, 1), user: { uid: 'u' }, privileges: ['admin'] };
    expect(validateOcsfEvent(session)).toEqual({ ok: true });
    expectRejected({ ...session, group: { name: 'g' } }, 'privileges'); // just_one: both given
    expectRejected(without(session, 'privileges'), 'privileges'); // just_one: none given
    expectRejected({ ...session, privileges: [1] }, 'privileges');

    const access = { ...base(3005, 1), user: { uid: 'u' }, privileges: ['admin'] };
    expect(validateOcsfEvent(access)).toEqual({ ok: true });
    expectRejected({ ...access, privileges: 'admin' }, 'privileges');
    expectRejected({ ...base(3004, 1) }, 'entity');
    expectRejected({ ...base(3006, 3) }, 'group');
    expectRejected({ ...base(3001, 1) }, 'user');
  });

  it('accepts unknown classes when the base event checks pass, still enforcing them', () => {
    const fileActivity = { ...without(without(minimal(), 'user'), 'service'), class_uid: 1001, category_uid: 1, type_uid: 100101 };
    expect(validateOcsfEvent(fileActivity)).toEqual({ ok: true });
    expectRejected({ ...fileActivity, type_uid: 100102 }, 'type_uid');
    expectRejected({ ...fileActivity, category_uid: 3 }, 'category_uid');
    // Extension classes (uid >= 100000) may sit in a core category.
    const ext = { ...fileActivity, class_uid: 201001, type_uid: 20100101 };
    expect(validateOcsfEvent({ ...ext, category_uid: 1 })).toEqual({ ok: true });
    expect(validateOcsfEvent({ ...ext, category_uid: 201 })).toEqual({ ok: true });
    expectRejected({ ...ext, category_uid: 2 }, 'category_uid');
  });

  it('never throws on arbitrary JSON, and always answers ok or "<field>: <reason>"', () => {
    const anyJson = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    const nearlyValid = fc
      .record({ key: fc.constantFrom(...Object.keys(minimal()), 'metadata'), value: fc.jsonValue() })
      .map(({ key, value }) => ({ ...minimal(), [key]: value }) as unknown);
    fc.assert(
      fc.property(fc.oneof(anyJson, nearlyValid), (e) => {
        const result = validateOcsfEvent(e);
        if (!result.ok) expect(result.error).toMatch(/^[a-z_.]+: \S/);
      }),
      { numRuns: 2000, seed: 20240610 },
    );
  });

  it('never rejects what the JSON Schema accepts (mapped events with random attributes removed)', () => {
    const mapped = SIMPLE_EVENT_TYPES.map((type) => {
      const r = mapSimpleEvent({ type, ...SIMPLE_EVENT_EXAMPLES[type].full }, { now: () => 0, newUid: () => 'u' });
      if (!r.ok) throw new Error(r.error);
      return r.event as Ev;
    });
    // An event, some of its top-level attributes, and some members of its object attributes, to drop.
    const mutation = fc.constantFrom(...mapped).chain((event) =>
      fc.record({
        event: fc.constant(event),
        dropTop: fc.subarray(Object.keys(event), { maxLength: 4 }),
        dropNested: fc.subarray(
          Object.entries(event).flatMap(([key, v]) =>
            v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).map((inner) => [key, inner] as const) : [],
          ),
          { maxLength: 3 },
        ),
      }),
    );
    let schemaValid = 0;
    fc.assert(
      fc.property(mutation, ({ event, dropTop, dropNested }) => {
        const e: Ev = { ...event };
        for (const [key, inner] of dropNested) e[key] = without(e[key], inner);
        for (const key of dropTop) delete e[key];
        if (schemaErrors(OCSF_CLASS_BY_UID.get(event.class_uid)!.name, e) === '') {
          schemaValid++;
          expect(validateOcsfEvent(e)).toEqual({ ok: true });
        }
      }),
      { numRuns: 400, seed: 20240610 },
    );
    expect(schemaValid).toBeGreaterThan(20);
  });

  it('handles 100k events quickly (prints the rate; no timing assertion)', () => {
    const events = Array.from({ length: 1000 }, (_, i) => ({ ...minimal(), time: 1718020800000 + i }));
    let accepted = 0;
    const start = performance.now();
    for (let i = 0; i < 100_000; i++) if (validateOcsfEvent(events[i % 1000]).ok) accepted++;
    const ms = performance.now() - start;
    console.log(`validateOcsfEvent: 100000 events in ${ms.toFixed(1)} ms (${Math.round(100_000 / (ms / 1000))} events/s)`);
    expect(accepted).toBe(100_000);
  });
});
