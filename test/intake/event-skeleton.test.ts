/**
 * The publish hot path without JSON.parse (event-skeleton.ts, prepare-kept-event.ts) against the general path
 * (JSON.parse, the validator, routing): it must never accept text JSON.parse rejects, and whatever it prepares
 * must be exactly what the general path prepares. Checked on hand-written cases, on generated events that
 * validation may accept or reject, and on random byte-level mutations of real events.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseElement, scanEventsBody, scannedElements, type BodyElements } from '../../src/intake/events-body.ts';
import { createEventFactory } from '../../bench/bench-events.ts';
import type { OcsfEvent } from '../../src/connectors/shared/types.ts';
import { validateOcsfEvent } from '../../src/ocsf/validate.ts';
import { syntheticTestEvent } from '../../src/ocsf/test-event.ts';
import type { NewEvent, OrgRules, PreparedBody } from '../../src/store/event-log.ts';
import { resolveEventOrg } from '../../src/intake/event-org.ts';
import { readEventSkeleton, readEventSkeletonAt } from '../../src/intake/event-skeleton.ts';
import { KeptNewEvent } from '../../src/store/kept-event.ts';
import { prepareEvent } from '../../src/intake/prepare-event.ts';
import { prepareKeptEvent } from '../../src/intake/prepare-kept-event.ts';
import { preparePublishBody, readAndPreparePublishBody, readPublishBody } from '../../src/intake/publish-body.ts';
import { jsonArrayElements, type ElementReader, type Elements } from '../../src/intake/json-elements.ts';
import { authenticationEvent } from '../fixtures/events.ts';

const NOW = 1_718_020_800_000;
const RULE_SETS: OrgRules[] = [{ orgId: 'org-1' }, { allowedOrgs: 'any' }, { orgId: 'org-2' }];

const skeletonOf = (text: string) => {
  const bytes = Buffer.from(text);
  return readEventSkeleton(bytes, 0, bytes.length);
};

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A valid event that is kept as sent under { orgId: 'org-1' }. */
function keptEvent(i = 0): OcsfEvent {
  const event = authenticationEvent({}, i);
  event.metadata.tenant_uid = 'org-1';
  return event;
}

function elementsOf(body: string, format: 'json' | 'ndjson' = 'json'): BodyElements | undefined {
  try {
    return scannedElements(scanEventsBody(Buffer.from(body), format));
  } catch {
    return undefined;
  }
}

/** The general path's answer for element i: the prepared event and whether it is kept as sent, or the error. */
function generalPath(elements: BodyElements, i: number, rules: OrgRules) {
  let element;
  try {
    element = parseElement(elements, i);
  } catch {
    return { unparsable: true as const };
  }
  if (!element) return { unparsable: true as const };
  const prepared = prepareEvent(element.event, rules, NOW, element.sent);
  if ('error' in prepared) return { error: prepared.error };
  return { prepared, kept: element.sent !== undefined && prepared.json === element.sent.text };
}

/**
 * The hot path may decline anything, but what it prepares must be the general path's event, exactly: kept as
 * sent (its bytes) when the general path keeps it, else the same spliced text. A metadata.uid both assign is a
 * new UUIDv7 on each side, so assigned uids are compared by form.
 */
function expectSameAsGeneralPath(elements: BodyElements, i: number, rules: OrgRules): NewEvent | undefined {
  const fast = prepareKeptEvent(elements, i, rules, NOW);
  if (!fast) return undefined;
  const general = generalPath(elements, i, rules);
  expect(general).toMatchObject({ kept: fast instanceof KeptNewEvent });
  const prepared = (general as { prepared: NewEvent }).prepared;
  const assigned = fast.uid !== prepared.uid;
  if (assigned) for (const uid of [fast.uid, prepared.uid]) expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const same = (e: NewEvent) => ({ orgId: e.orgId, classUid: e.classUid, severityId: e.severityId, time: e.time, json: assigned ? e.json.replace(e.uid, 'UID') : e.json });
  expect(same(fast)).toEqual(same(prepared));
  expect(Object.is(fast.classUid, prepared.classUid) && Object.is(fast.time, prepared.time)).toBe(true);
  if (!(fast instanceof KeptNewEvent)) expect(fast.jsonUtf8).toBeUndefined();
  return fast;
}

describe('readEventSkeleton: strict JSON', () => {
  const valid = JSON.stringify(keptEvent());

  it('reads a real event: the relevant members with their values, the rest left out', () => {
    const event = JSON.parse(valid) as OcsfEvent;
    const skeleton = skeletonOf(valid)!;
    expect(skeleton).toMatchObject({ class_uid: 3002, category_uid: 3, activity_id: 1, type_uid: 300201, severity_id: 1, time: event.time });
    expect(skeleton.metadata).toEqual({ uid: event.metadata.uid, tenant_uid: 'org-1', version: 's', product: { name: 's' } });
    expect(skeleton.user).toEqual({ name: 's', uid: 's' });
    expect(skeleton).not.toHaveProperty('message');
    expect(skeleton).not.toHaveProperty('status_id');
  });

  it.each([
    ['leading zero', valid.replace('"time":', '"time":0')],
    ['fraction without digits', valid.replace('"severity_id":1', '"severity_id":1.')],
    ['exponent without digits', valid.replace('"severity_id":1', '"severity_id":1e')],
    ['lone minus', valid.replace('"severity_id":1', '"severity_id":-')],
    ['plus sign', valid.replace('"severity_id":1', '"severity_id":+1')],
    ['bad literal', valid.replace('"name":"alice0"', '"name":tru')],
    ['trailing comma in object', valid.replace(/}$/, ',}')],
    ['trailing comma in array', valid.replace(/}$/, ',"a":[1,]}')],
    ['missing comma', valid.replace(',"user"', ' "user"')],
    ['missing colon', valid.replace('"user":', '"user" ')],
    ['control character in a string', valid.replace('alice0', 'ali\u0001ce0')],
    ['tab in a string', valid.replace('alice0', 'ali\tce0')],
    ['bad escape', valid.replace('alice0', 'ali\\xce0')],
    ['short unicode escape', valid.replace('alice0', 'ali\\u12G4')],
    ['unterminated string', valid.slice(0, valid.indexOf('alice0') + 3)],
    ['single quotes', valid.replace('"alice0"', "'alice0'")],
    ['form feed as whitespace', valid.replace(',"user"', ',\f"user"')],
    ['no-break space as whitespace', valid.replace(',"user"', ',\u00a0"user"')],
    ['trailing garbage', `${valid} x`],
    ['two values', `${valid}${valid}`],
    ['unquoted key', valid.replace('"user":', 'user:')],
    ['NaN', valid.replace('"severity_id":1', '"severity_id":NaN')],
  ])('gives up on what JSON.parse rejects: %s', (_name, text) => {
    expect(parses(text)).toBe(false);
    expect(skeletonOf(text)).toBeUndefined();
  });

  it('reads numbers as JSON.parse does (signs, zero, fractions, exponents, large integers)', () => {
    for (const n of ['0', '-0', '7', '-12', '3.25', '1e3', '1E+2', '25e-1', '123456789012345', '1234567890123456789', '1e400', '-0.0']) {
      const skeleton = skeletonOf(`{"time":${n}}`)!;
      expect(Object.is(skeleton.time, JSON.parse(n))).toBe(true);
    }
  });

  it('keeps the last of duplicate keys, as JSON.parse does', () => {
    expect(skeletonOf('{"class_uid":1,"class_uid":3002}')!.class_uid).toBe(3002);
    expect(skeletonOf('{"user":{"name":"a"},"user":null}')!.user).toBeNull();
  });

  it('leaves to JSON.parse what it does not read itself: escapes in exact strings and relevant keys, deep nesting, non-objects', () => {
    expect(skeletonOf('{"metadata":{"uid":"a\\u0062"}}')).toBeUndefined();
    expect(skeletonOf('{"meta\\u0064ata":{}}')).toBeUndefined();
    expect(skeletonOf(`{"x":${'['.repeat(70)}${']'.repeat(70)}}`)).toBeUndefined();
    expect(skeletonOf('[1]')).toBeUndefined();
    // Escapes elsewhere are fine (the text is kept as sent; only its syntax matters).
    expect(skeletonOf('{"message":"a\\"b\\\\c\\u00e9\\n","unmapped":{"x\\ty":1}}')).toEqual({});
  });

  it('agrees with JSON.parse on every member validation and routing read (generated events)', () => {
    let read = 0;
    fc.assert(
      fc.property(eventish(), fc.constantFrom(undefined, 1, '\t'), (event, indent) => {
        const text = JSON.stringify(event, null, indent);
        const skeleton = skeletonOf(text);
        // Declined: an escape in an exact string or a relevant key (the generator writes some).
        if (!skeleton) return;
        read++;
        const parsed = JSON.parse(text);
        // The validator and routing read the skeleton exactly as the parsed event: same decision, same words.
        expect(validateOcsfEvent(skeleton)).toEqual(validateOcsfEvent(parsed));
        if (validateOcsfEvent(parsed).ok) {
          for (const rules of RULE_SETS) {
            const a = resolveEventOrg(skeleton as unknown as OcsfEvent, rules);
            const b = resolveEventOrg(parsed, rules);
            expect(a.ok ? a.orgId : a.error).toEqual(b.ok ? b.orgId : b.error);
          }
        }
      }),
      { numRuns: 1500 },
    );
    expect(read).toBeGreaterThan(1000);
  });

  it('never accepts text JSON.parse rejects (random edits of real events)', () => {
    const alphabet = [...'{}[]",:\\0123456789-+.eEtrufalsn x', '\t', '\n', '\r', '\u0001', '\u00e9', '\f', '\u00a0', '\\u00', '"uid"', 'null'];
    const texts = [valid, JSON.stringify(syntheticTestEvent({ now: NOW, orgId: 'org-1' }))];
    fc.assert(
      fc.property(
        fc.constantFrom(...texts),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...alphabet)), { minLength: 1, maxLength: 3 }),
        (base, edits) => {
          let text = base;
          for (const [at, op, s] of edits) {
            const i = at % (text.length + 1);
            text = op === 'insert' ? text.slice(0, i) + s + text.slice(i) : op === 'delete' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + s + text.slice(i + 1);
          }
          const skeleton = skeletonOf(text);
          if (!parses(text)) {
            expect(skeleton).toBeUndefined();
            return;
          }
          const parsed = JSON.parse(text);
          if (skeleton) expect(validateOcsfEvent(skeleton)).toEqual(validateOcsfEvent(parsed));
        },
      ),
      { numRuns: 4000 },
    );
  });
});

describe('prepareKeptEvent: the general path, without JSON.parse', () => {
  it('prepares real events (the bench events and the connection test event) as the general path does', () => {
    const factory = createEventFactory('t', 'org-1');
    const texts = [
      ...Array.from({ length: 96 }, (_, i) => factory.event(i, NOW)),
      JSON.stringify(syntheticTestEvent({ now: NOW, orgId: 'org-1' })),
      JSON.stringify(keptEvent(3)),
    ];
    const elements = elementsOf(`[${texts.join(',')}]`)!;
    for (let i = 0; i < texts.length; i++) {
      const kept = expectSameAsGeneralPath(elements, i, { orgId: 'org-1' });
      // The hot path is taken: without it this test would compare nothing.
      expect(kept).toBeInstanceOf(KeptNewEvent);
      expect(Buffer.from(kept!.jsonUtf8!).toString()).toBe(texts[i]);
    }
  });

  it('splices the metadata.uid and tenant_uid it adds into the sent text, as the general path does', () => {
    const event = keptEvent();
    const { uid: _uid, ...noUid } = event.metadata;
    const { tenant_uid: _tenant, ...noTenant } = event.metadata;
    const { uid: _u, tenant_uid: _t, ...neither } = event.metadata;
    const texts = [
      JSON.stringify({ ...event, metadata: noUid }),
      JSON.stringify({ ...event, metadata: noTenant }),
      JSON.stringify({ ...event, metadata: neither }),
      JSON.stringify({ ...event, metadata: {} }).replace('"metadata":{}', '"metadata":{ \t}'), // invalid (no version): declined
      JSON.stringify({ message: 'm', metadata: { ...neither } }).replace('{"message"', `{"a":{"metadata":1},"message"`), // invalid
    ];
    const elements = elementsOf(`[${texts.join(',')}]`)!;
    const spliced = [0, 1, 2].map((i) => expectSameAsGeneralPath(elements, i, { orgId: 'org-1' }));
    for (const e of spliced) expect(e).toBeDefined();
    expect(JSON.parse(spliced[0]!.json).metadata).toEqual({ ...noUid, uid: spliced[0]!.uid });
    expect(JSON.parse(spliced[1]!.json).metadata).toEqual({ ...noTenant, tenant_uid: 'org-1' });
    expect(JSON.parse(spliced[2]!.json).metadata).toEqual({ ...neither, uid: spliced[2]!.uid, tenant_uid: 'org-1' });
    expect(spliced[2]!.json.startsWith(texts[2]!.slice(0, texts[2]!.indexOf('"metadata":{') + 12) + '"uid":')).toBe(true);
    expect(prepareKeptEvent(elements, 3, { orgId: 'org-1' }, NOW)).toBeUndefined();
    // Without an organisation to add (a platform token), the general path words the error.
    expect(prepareKeptEvent(elements, 1, { allowedOrgs: 'any' }, NOW)).toBeUndefined();
  });

  it('declines what the general path changes otherwise or rejects, so the general path answers', () => {
    const event = keptEvent();
    const declined = [
      JSON.stringify({ ...event, org_id: 'org-1' }), // org_id moved
      JSON.stringify({ type: 'user.login', id: 's-1', user: { user_id: 'u-1' } }), // a simple event
      JSON.stringify({ ...event, severity_id: 7 }), // invalid
      JSON.stringify({ ...event, metadata: { ...event.metadata, tenant_uid: 'org-2' } }), // another organisation
      JSON.stringify(event, null, 2), // line breaks: re-serialised
      JSON.stringify(event).replace('"metadata":{', '"metadata":{"tenant_uid":"org-2","tenant_uid":"org-1",'),
    ];
    const elements = elementsOf(`[${declined.join(',')}]`)!;
    for (let i = 0; i < declined.length; i++) expect(prepareKeptEvent(elements, i, { orgId: 'org-1' }, NOW)).toBeUndefined();
    const body = preparePublishBody(scanEventsBody(Buffer.from(`[${declined.join(',')},${JSON.stringify(event)}]`), 'json'), { orgId: 'org-1' }, NOW);
    expect(body.rejected.map((r) => r.index)).toEqual([2, 3]);
    // Only the last one is kept as sent (its bytes in the body).
    expect(body.valid.map((e) => e instanceof KeptNewEvent)).toEqual([false, false, false, false, true]);
    expect(body.valid[4]!.json).toBe(JSON.stringify(event));
  });

  it('prepares exactly what the general path prepares (generated events, every org rule, arrays and NDJSON)', () => {
    const taken = { kept: 0, spliced: 0 };
    fc.assert(
      fc.property(fc.array(eventish(), { minLength: 1, maxLength: 6 }), fc.constantFrom(...RULE_SETS), fc.boolean(), (events, rules, ndjson) => {
        const texts = events.map((e) => JSON.stringify(e));
        const elements = elementsOf(ndjson ? texts.join('\n') : `[${texts.join(',')}]`, ndjson ? 'ndjson' : 'json')!;
        for (let i = 0; i < texts.length; i++) {
          const fast = expectSameAsGeneralPath(elements, i, rules);
          if (fast) taken[fast instanceof KeptNewEvent ? 'kept' : 'spliced']++;
        }
      }),
      { numRuns: 1000 },
    );
    // Both outcomes were compared, not just declines (seen: ~60-300 of each).
    expect(taken.kept).toBeGreaterThan(5);
    expect(taken.spliced).toBeGreaterThan(5);
  });

  it('prepares exactly what the general path prepares (random edits of real events)', () => {
    const base = JSON.stringify(keptEvent());
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...'{}[]",:\\019-.e tn'), fc.constantFrom('insert', 'delete', 'replace'), (at, s, op) => {
        const i = at % (base.length + 1);
        const text = op === 'insert' ? base.slice(0, i) + s + base.slice(i) : op === 'delete' ? base.slice(0, i) + base.slice(i + 1) : base.slice(0, i) + s + base.slice(i + 1);
        const elements = elementsOf(`${text}\n`, 'ndjson');
        if (!elements || elements.table.count !== 1) return;
        const kept = expectSameAsGeneralPath(elements, 0, { orgId: 'org-1' });
        if (kept) expect(parses(text)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

/**
 * Objects shaped like OCSF events, mostly valid: each base or metadata member is sometimes left out, replaced by
 * another JSON value, or given an edge value; relevant attributes sometimes get other shapes.
 */
function eventish(): fc.Arbitrary<Record<string, unknown>> {
  const other = fc.jsonValue({ maxDepth: 2 });
  const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: other }, { weight: 1, arbitrary: fc.constant(undefined) });
  const numberish = (n: number) => maybe(fc.oneof({ weight: 10, arbitrary: fc.constant(n) }, { weight: 1, arbitrary: fc.constantFrom(-0, n + 0.5, -1, 1e21, 2 ** 53) }));
  const stringish = (s: string) => maybe(fc.oneof({ weight: 6, arbitrary: fc.constant(s) }, { weight: 1, arbitrary: fc.constantFrom('', 'x\u00e9\u{1f600}', 'a"b\\c') }));
  return fc
    .record({
      classUid: fc.constantFrom(3002, 6003, 3001, 3005, 2004, 3003, 999_999, 100_001),
      activity: fc.constantFrom(0, 1, 2, 3, 99, 42),
      drop: fc.oneof(
        { weight: 3, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.subarray(['category_uid', 'type_uid', 'severity_id', 'time', 'metadata', 'user', 'service', 'dst_endpoint', 'api', 'actor', 'src_endpoint'] as const, { maxLength: 2 }) },
      ),
      severity: numberish(1),
      time: numberish(NOW),
      version: stringish('1.8.0'),
      productName: stringish('AuthOS'),
      productUid: fc.option(stringish('p-1'), { nil: undefined }),
      uid: stringish('uid-1'),
      tenant: fc.oneof(stringish('org-1'), fc.constant('org-2'), fc.constant(undefined)),
      orgId: fc.option(fc.constantFrom('org-1', 'org-2', 5), { nil: undefined }),
      user: maybe(fc.record({ name: fc.option(fc.string(), { nil: undefined }), uid: fc.option(other, { nil: undefined }) }, { requiredKeys: [] })),
      privileges: fc.option(fc.oneof(fc.array(fc.string(), { maxLength: 3 }), other), { nil: undefined }),
      extra: fc.dictionary(fc.constantFrom('message', 'unmapped', 'status_id', 'enrichments', 'x'), other, { maxKeys: 3 }),
    })
    .map((g) => {
      const event: Record<string, unknown> = {
        class_uid: g.classUid,
        category_uid: Math.floor((g.classUid % 100_000) / 1000),
        activity_id: g.activity,
        type_uid: g.classUid * 100 + g.activity,
        severity_id: g.severity,
        time: g.time,
        metadata: { uid: g.uid, version: g.version, product: { name: g.productName, uid: g.productUid }, tenant_uid: g.tenant },
        user: g.user,
        service: { name: 'sso' },
        dst_endpoint: { hostname: 'h' },
        api: { operation: 'op' },
        actor: { app_name: 'a' },
        src_endpoint: { ip: '203.0.113.1' },
        finding_info: { uid: 'f' },
        privileges: g.privileges,
        org_id: g.orgId,
        ...g.extra,
      };
      for (const key of g.drop) delete event[key];
      return event;
    });
}


/** The element reader of readAndPreparePublishBody: readEventSkeletonAt, as an ElementReader. */
const skeletonReader: ElementReader = (b, start, limit, _i, read) => readEventSkeletonAt(b as Buffer, start, limit, read) !== undefined;

/** Texts of a JSON array body's elements, written the ways clients write them (and some ways they should not). */
function elementTextish(): fc.Arbitrary<string> {
  return fc.tuple(eventish(), fc.constantFrom('kept', 'kept', 'plain', 'indented', 'escaped key', 'repeated metadata', 'repeated tenant', 'nested metadata', 'non-ASCII first', 'scalar')).map(([event, form]) => {
    const text = JSON.stringify(event);
    switch (form) {
      case 'indented':
        return JSON.stringify(event, null, 1);
      case 'escaped key':
        return text.replace('{', '{"x\\u0041":1,');
      case 'repeated metadata':
        return text.replace('{', '{"user":{"metadata":{}},');
      case 'repeated tenant':
        return text.replace('{', '{"a":[{"tenant_uid":"x"},{"tenant_uid":"y"}],');
      case 'nested metadata':
        return text.replace('{', '{"b":{"metadata":{"tenant_uid":"org-1"}},');
      case 'non-ASCII first':
        return text.replace('{', '{"note":"S\u00e3o \u{1f600} \u20ac",');
      case 'scalar':
        return JSON.stringify(event.class_uid ?? null);
      case 'kept':
        return JSON.stringify(keptEvent(text.length));
      default:
        return text;
    }
  });
}

describe('readAndPreparePublishBody: each event read once while the elements are found', () => {
  it('reads elements exactly as the scan finds them, and leaves to it every element the scan flags', () => {
    let read = 0;
    let left = 0;
    fc.assert(
      fc.property(fc.array(elementTextish(), { maxLength: 5 }), fc.constantFrom(',', ' , ', ',\n', '\r\n,\t'), (texts, separator) => {
        const bytes = Buffer.from(`[${texts.join(separator)}]`);
        const scanned = jsonArrayElements(bytes)!;
        const fused = jsonArrayElements(bytes, skeletonReader)!;
        expect(fused.count).toBe(scanned.count);
        for (let i = 0; i < scanned.count; i++) {
          const fields = (e: Elements) => [e.start(i), e.end(i), e.depth(i), e.metadataObject(i)];
          expect(fields(fused)).toEqual(fields(scanned));
          expect(fused.flags(i)).toBe(scanned.flags(i));
          if (readEventSkeletonAt(bytes, scanned.start(i), bytes.length, { end: 0, depth: 0, metadataObject: -1 })) read++;
          else left++;
        }
      }),
      { numRuns: 1500 },
    );
    // Both sides were exercised (seen: thousands read, hundreds left to the scan).
    expect(read).toBeGreaterThan(500);
    expect(left).toBeGreaterThan(100);
  });

  it('never reads broken bodies differently from the scan (random edits of a real body)', () => {
    const base = `[${JSON.stringify(keptEvent(1))},${JSON.stringify({ ...keptEvent(2), note: 'S\u00e3o' })}]`;
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...'{}[]",:\\019-.e tn\n', '\u00e9'), fc.constantFrom('insert', 'delete', 'replace'), (at, s, op) => {
        const i = at % (base.length + 1);
        const text = op === 'insert' ? base.slice(0, i) + s + base.slice(i) : op === 'delete' ? base.slice(0, i) + base.slice(i + 1) : base.slice(0, i) + s + base.slice(i + 1);
        const bytes = Buffer.from(text);
        const scanned = jsonArrayElements(bytes);
        const fused = jsonArrayElements(bytes, skeletonReader);
        if (!scanned) {
          // The reader only reads valid JSON, so a body broken for the scan stays broken.
          expect(fused).toBeUndefined();
          return;
        }
        // The scan accepts some invalid elements (JSON.parse judges them); the reader then leaves them to it.
        expect(fused && Array.from(fused.data.subarray(0, fused.count * 5))).toEqual(Array.from(scanned.data.subarray(0, scanned.count * 5)));
      }),
      { numRuns: 3000 },
    );
  });

  it('prepares exactly what scanning and then preparing does (generated bodies, every org rule)', () => {
    let kept = 0;
    let spliced = 0;
    fc.assert(
      fc.property(fc.array(elementTextish(), { maxLength: 5 }), fc.constantFrom(...RULE_SETS), fc.boolean(), (texts, rules, latin1) => {
        // latin1: a body that is not UTF-8 (the reader is not used for it).
        const bytes = Buffer.from(`[${texts.join(',')}]`, latin1 ? 'latin1' : 'utf8');
        const outcome = (f: () => unknown) => {
          try {
            return { value: f() };
          } catch (err) {
            return { thrown: (err as Error).message };
          }
        };
        const general = outcome(() => preparePublishBody(scanEventsBody(bytes, 'json'), rules, NOW)) as { value?: PreparedBody; thrown?: string };
        const fused = outcome(() => readAndPreparePublishBody(bytes, 'json', rules, NOW)) as { value?: PreparedBody; thrown?: string };
        expect(fused.thrown).toBe(general.thrown);
        if (!general.value) return;
        const a = fused.value!;
        const b = general.value;
        expect(a.rejected).toEqual(b.rejected);
        expect(a.orgIds).toEqual(b.orgIds);
        // The same events kept as sent, at the same bytes of the body.
        const keptAt = (p: PreparedBody) => p.valid.map((e) => (e instanceof KeptNewEvent ? e.jsonUtf8.byteOffset : -1));
        expect(keptAt(a)).toEqual(keptAt(b));
        expect(a.valid.length).toBe(b.valid.length);
        for (let i = 0; i < a.valid.length; i++) {
          const [x, y] = [a.valid[i]!, b.valid[i]!];
          const assigned = x.uid !== y.uid;
          if (assigned) for (const uid of [x.uid, y.uid]) expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
          const same = (e: NewEvent) => ({ orgId: e.orgId, classUid: e.classUid, severityId: e.severityId, time: e.time, json: assigned ? e.json.replace(e.uid, 'UID') : e.json, kept: e instanceof KeptNewEvent });
          expect(same(x)).toEqual(same(y));
          if (x instanceof KeptNewEvent) kept++;
          else if (x.json.length > 0) spliced++;
        }
        // The reader finds the elements exactly where the scan alone does.
        const table = scanEventsBody(bytes, 'json').elements;
        const elements = readPublishBody(bytes, 'json').scanned.elements;
        expect(elements?.count).toBe(table?.count);
        if (table) expect(Array.from(elements!.data.subarray(0, table.count * 5))).toEqual(Array.from(table.data.subarray(0, table.count * 5)));
      }),
      { numRuns: 1000 },
    );
    // Events kept as sent were compared, not only declines (seen: ~400-600 kept, hundreds otherwise prepared).
    expect(kept).toBeGreaterThan(100);
    expect(spliced).toBeGreaterThan(50);
  });
});
