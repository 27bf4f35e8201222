/**
 * Properties of compiled transforms over generated OCSF-ish events with hostile content: the byte-level rewriter
 * agrees with a straightforward object-level reference implementation; dropped paths never appear; removed values
 * never survive anywhere in the output text, raw_data and unmapped included; hashes are deterministic per key and
 * differ across keys; keep_only keeps only what it lists (and the protected attributes).
 */
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFieldPath, pathCovers, type FieldPath, type PathSegment } from '../../src/transforms/field-path.ts';
import { compileTransforms, REDACTED, type Transform, type TransformList } from '../../src/transforms/index.ts';
import { PROTECTED_PATHS } from '../../src/transforms/protected-paths.ts';
import { truncateIp } from '../../src/transforms/truncate-ip.ts';
import { nonEmptyHostile, ocsfEvent } from '../fixtures/ocsf-event-arbitrary.ts';

const KEY_A = 'org-a-hash-key-0123456789abcdef';
const KEY_B = 'org-b-hash-key-0123456789abcdef';
const FREE_TEXT = ['raw_data', 'message', 'status_detail', 'unmapped'];

const CANDIDATE_PATHS = [
  'user', 'user.uid', 'user.name', 'user.email_addr', 'user.type_id', 'actor.user', 'actor.user.name', 'actor',
  'src_endpoint', 'src_endpoint.ip', 'src_endpoint.port', 'src_endpoint.intermediate_ips', 'src_endpoint.intermediate_ips[]',
  'dst_endpoint.location', 'observables', 'observables[]', 'observables[].value', 'observables[].type_id',
  'http_request.url.path', 'http_request.url', 'http_response.code', 'privileges', 'privileges[]', 'group.name',
  'finding_info.analytic', 'api.operation', 'session.uid', 'risk_score', 'unmapped.a', 'unmapped.nested', 'unmapped',
  'message', 'raw_data', 'status_detail', 'metadata.tenant_uid', 'metadata.labels[]', 'is_mfa',
];

const pathOp = fc.record({ op: fc.constantFrom('drop', 'redact', 'hash', 'truncate_ip'), path: fc.constantFrom(...CANDIDATE_PATHS) }) as fc.Arbitrary<Transform>;
const keepOnly = fc.record({ op: fc.constant('keep_only'), paths: fc.uniqueArray(fc.constantFrom(...CANDIDATE_PATHS), { minLength: 1, maxLength: 5 }) }) as fc.Arbitrary<Transform>;
const transformList = fc.array(fc.oneof({ weight: 4, arbitrary: pathOp }, { weight: 1, arbitrary: keepOnly }), { minLength: 1, maxLength: 6 });

function mustParse(text: string): FieldPath {
  const parsed = parseFieldPath(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.path;
}

// --- the reference implementation: plain objects, one rule at a time ---

interface Match {
  index: number;
  op: string;
  segs: FieldPath;
  at: number;
  /** The value here is the array a `name[]` segment named: the match continues in its elements. */
  inElements: boolean;
}

const REMOVE = Symbol('remove');

function reference(event: Record<string, unknown>, list: TransformList, key: string): unknown {
  const ops: Match[] = [];
  const keeps: Match[][] = [];
  list.forEach((t, index) => {
    if (t.op === 'keep_only') keeps.push([...t.paths.map(mustParse), ...PROTECTED_PATHS].map((segs) => ({ index, op: 'keep', segs, at: 0, inElements: false })));
    else ops.push({ index, op: t.op, segs: mustParse(t.path), at: 0, inElements: false });
  });
  const out = visit(event, ops, [], keeps, key);
  return out;
}

function advanceKey(ms: Match[], name: string): Match[] {
  return ms
    .filter((m) => !m.inElements && m.at < m.segs.length && m.segs[m.at]!.name === name)
    .map((m) => ({ ...m, at: m.at + 1, inElements: m.segs[m.at]!.array }));
}

function advanceElement(ms: Match[]): Match[] {
  return ms.filter((m) => m.inElements).map((m) => ({ ...m, inElements: false }));
}

function visit(value: unknown, ms: Match[], applied: Match[], keeps: (Match[] | 'full')[], key: string): unknown {
  const here = [...applied, ...ms.filter((m) => m.at === m.segs.length && !m.inElements)].sort((a, b) => a.index - b.index);
  if (here.some((m) => m.op === 'drop')) return REMOVE;
  const keepsHere = keeps.map((k) => (k === 'full' || k.some((m) => m.at === m.segs.length && !m.inElements) ? 'full' : k));
  const partial = keepsHere.some((k) => k !== 'full');
  if (Array.isArray(value)) {
    const elementKeeps = keepsHere.map((k) => (k === 'full' ? k : advanceElement(k)));
    if (elementKeeps.some((k) => k !== 'full' && k.length === 0)) return [];
    return value.map((v) => visit(v, advanceElement(ms), here, elementKeeps, key)).filter((v) => v !== REMOVE);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const childKeeps = keepsHere.map((kk) => (kk === 'full' ? kk : advanceKey(kk, k)));
      if (childKeeps.some((kk) => kk !== 'full' && kk.length === 0)) continue;
      const r = visit(v, advanceKey(ms, k), here, childKeeps, key);
      if (r !== REMOVE) out[k] = r;
    }
    return out;
  }
  if (partial) return REMOVE;
  if (value === null) return null;
  let v = value as string | number | boolean;
  for (const m of here) {
    if (m.op === 'redact') v = REDACTED;
    else if (m.op === 'hash') v = `hmac-sha256:${createHmac('sha256', key).update(String(v)).digest('hex')}`;
    else if (m.op === 'truncate_ip') v = (typeof v === 'string' ? truncateIp(v) : undefined) ?? REDACTED;
  }
  return v;
}

// --- helpers ---

function withoutFreeText(e: unknown): unknown {
  const copy = { ...(e as Record<string, unknown>) };
  for (const k of FREE_TEXT) delete copy[k];
  return copy;
}

function withoutEmptyContainers(value: unknown): unknown {
  const isEmpty = (t: unknown) => t !== null && typeof t === 'object' && Object.keys(t).length === 0;
  if (Array.isArray(value)) return value.map(withoutEmptyContainers).filter((t) => !isEmpty(t));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const t = withoutEmptyContainers(v);
    if (isEmpty(t)) continue;
    out[k] = t;
  }
  return out;
}

/** Every scalar's location as a FieldPath (array steps as `name[]`). */
function leafPaths(value: unknown, prefix: PathSegment[] = [], out: FieldPath[] = []): FieldPath[] {
  if (Array.isArray(value)) {
    const last = prefix[prefix.length - 1]!;
    const asArray = [...prefix.slice(0, -1), { name: last.name, array: true }];
    if (value.length === 0) out.push(prefix);
    for (const v of value) leafPaths(v, asArray, out);
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0 && prefix.length > 0) out.push(prefix);
    for (const [k, v] of entries) leafPaths(v, [...prefix, { name: k, array: false }], out);
  } else out.push(prefix);
  return out;
}

function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) allStrings(v, out);
  return out;
}

const run = (list: TransformList, event: unknown, key = KEY_A) => compileTransforms(list, { orgHashKey: key })!.text(JSON.stringify(event));

describe('transform properties', () => {
  it('the byte-level rewriter agrees with the object-level reference (free text aside)', () => {
    fc.assert(
      fc.property(ocsfEvent(), transformList, (event, list) => {
        const out = JSON.parse(run(list, event));
        // Several keep_only lists are intersected up front: a container on the way to a path only one of them
        // names is removed, where applying them one by one would leave it empty.
        const tidy = list.filter((t) => t.op === 'keep_only').length > 1 ? withoutEmptyContainers : (v: unknown) => v;
        expect(tidy(withoutFreeText(out))).toEqual(tidy(withoutFreeText(reference(JSON.parse(JSON.stringify(event)), list, KEY_A))));
      }),
      { numRuns: 400 },
    );
  });

  it('a list that matches nothing returns the event bytes untouched', () => {
    fc.assert(
      fc.property(ocsfEvent(), fc.constantFrom('drop', 'redact', 'hash', 'truncate_ip'), (event, op) => {
        const bytes = Buffer.from(JSON.stringify(event, null, 1));
        const t = compileTransforms([{ op, path: 'zz_not_there.x' } as Transform, { op, path: 'user.zz_nope' } as Transform], { orgHashKey: KEY_A })!;
        expect(t.utf8(bytes)).toBe(bytes);
      }),
      { numRuns: 100 },
    );
  });

  it('a dropped path never appears in the output', () => {
    fc.assert(
      fc.property(ocsfEvent(), fc.constantFrom(...CANDIDATE_PATHS), (event, text) => {
        const dropped = mustParse(text);
        const out = JSON.parse(run([{ op: 'drop', path: text }], event));
        for (const p of leafPaths(out)) expect(pathCovers(dropped, p), `${text} in output`).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a removed value never survives anywhere in the output, raw_data and unmapped included', () => {
    const secret = fc.tuple(fc.nat(), nonEmptyHostile).map(([n, s]) => `§${n}§${s}`);
    const target = fc.constantFrom(
      { op: 'drop', path: 'user.email_addr' },
      { op: 'redact', path: 'user.email_addr' },
      { op: 'hash', path: 'user.email_addr' },
      { op: 'drop', path: 'user' },
      { op: 'redact', path: 'user' },
      { op: 'truncate_ip', path: 'user.email_addr' },
    ) as fc.Arbitrary<Transform>;
    fc.assert(
      fc.property(ocsfEvent({ classUids: [3002, 3001] }), secret, target, fc.boolean(), (event, value, transform, pretty) => {
        const e = {
          ...event,
          user: { uid: 'u-1', email_addr: value },
          message: `login by ${value}.`,
          raw_data: JSON.stringify({ source: { mail: value, note: `<${value}>` } }),
          status_detail: value,
          unmapped: { contact: { emails: [value, 'other'] }, note: `x${value}x` },
        };
        const text = compileTransforms([transform], { orgHashKey: KEY_A })!.text(JSON.stringify(e, null, pretty ? 2 : undefined));
        const escaped = JSON.stringify(value).slice(1, -1);
        expect(text.includes(value)).toBe(false);
        for (const s of allStrings(JSON.parse(text))) {
          expect(s.includes(value)).toBe(false);
          expect(s.includes(escaped)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('hash is deterministic per key and differs across keys', () => {
    fc.assert(
      fc.property(ocsfEvent({ classUids: [3002] }), nonEmptyHostile, (event, uid) => {
        const e = { ...event, user: { uid } };
        const list: TransformList = [{ op: 'hash', path: 'user.uid' }];
        const a1 = JSON.parse(run(list, e, KEY_A)).user.uid;
        const a2 = JSON.parse(run(list, { ...e, time: 1 }, KEY_A)).user.uid;
        const b = JSON.parse(run(list, e, KEY_B)).user.uid;
        expect(a1).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
        expect(a2).toBe(a1);
        expect(b).not.toBe(a1);
      }),
      { numRuns: 200 },
    );
  });

  it('truncate_ip output is an address in the input’s prefix, or the marker', () => {
    fc.assert(
      fc.property(ocsfEvent({ classUids: [3002] }), fc.oneof(fc.ipV4(), fc.ipV6(), nonEmptyHostile), (event, ip) => {
        const out = JSON.parse(run([{ op: 'truncate_ip', path: 'src_endpoint.ip' }], { ...event, src_endpoint: { ip } })).src_endpoint.ip;
        const family = isIP(ip.split('%')[0]!);
        if (family === 0) expect(out).toBe(REDACTED);
        else {
          expect(isIP(out)).toBe(family);
          if (family === 4) expect(out).toBe(`${ip.split('.').slice(0, 3).join('.')}.0`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keep_only output holds only allowed paths, the protected ones, and the containers on their way', () => {
    fc.assert(
      fc.property(ocsfEvent(), fc.uniqueArray(fc.constantFrom(...CANDIDATE_PATHS), { minLength: 1, maxLength: 6 }), (event, paths) => {
        const out = JSON.parse(run([{ op: 'keep_only', paths }], event));
        const allowed = [...paths.map(mustParse), ...PROTECTED_PATHS];
        for (const p of leafPaths(out)) {
          // A leaf is inside an allowed path, or an (empty) container on the way to one.
          const ok = allowed.some((a) => pathCovers(a, p) || pathCovers(p, a));
          expect(ok, JSON.stringify(p)).toBe(true);
        }
        for (const p of PROTECTED_PATHS) {
          const [first, second] = p;
          const v = (event as any)[first!.name];
          const got = (out as any)[first!.name];
          expect(second ? got?.[second.name] : got).toEqual(second ? v?.[second.name] : v);
        }
      }),
      { numRuns: 300 },
    );
  });
});
