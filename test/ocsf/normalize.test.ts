import { describe, expect, it } from 'vitest';
import { normalizeEvent, type NormalizeOptions } from '../../src/ocsf/normalize.ts';

const NOW = 1_718_020_800_000;
let n = 0;
const opts: NormalizeOptions = { now: () => NOW, newUid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };

const ocsf = () => ({
  activity_id: 2,
  category_uid: 3,
  class_uid: 3002,
  type_uid: 300202,
  severity_id: 3,
  time: 1_700_000_000_000,
  metadata: { version: '1.8.0', product: { name: 'AuthSvc' } },
  user: { name: 'alice' },
  service: { name: 'sshd' },
});

describe('normalizeEvent', () => {
  it('OCSF event without metadata.uid: assigns one on the same event object, with a fresh metadata object', () => {
    const input = ocsf();
    const originalMetadata = input.metadata;
    const r = normalizeEvent(input, opts);
    if (!r.ok) throw new Error(r.error);
    expect(r.uid).toMatch(/^00000000-0000-4000-8000-\d{12}$/);
    expect(r.event.metadata).toEqual({ ...originalMetadata, uid: r.uid });
    expect([r.time, r.classUid, r.severityId, r.orgId]).toEqual([1_700_000_000_000, 3002, 3, undefined]);
    expect(r.event).toBe(input); // no copy of the event on the publish path
    expect('uid' in originalMetadata).toBe(false);
  });

  it('events sharing one metadata object get distinct uids', () => {
    const metadata = { version: '1.8.0', product: { name: 'AuthSvc' } };
    const [a, b] = [{ ...ocsf(), metadata }, { ...ocsf(), metadata }].map((e) => normalizeEvent(e, opts));
    if (!a.ok || !b.ok) throw new Error('expected both valid');
    expect(a.uid).not.toBe(b.uid);
    expect([a.event.metadata.uid, b.event.metadata.uid]).toEqual([a.uid, b.uid]);
  });

  it('OCSF event with metadata.uid: kept as is, same object', () => {
    const input = { ...ocsf(), metadata: { ...ocsf().metadata, uid: 'given', tenant_uid: 'org-7' } };
    const r = normalizeEvent(input, opts);
    if (!r.ok) throw new Error(r.error);
    expect([r.uid, r.orgId]).toEqual(['given', 'org-7']);
    expect(r.event).toBe(input);
  });

  it('invalid OCSF event: the validator error', () => {
    expect(normalizeEvent({ ...ocsf(), type_uid: 1 }, opts)).toEqual({
      ok: false,
      error: 'type_uid: must be 300202 (class_uid * 100 + activity_id)',
    });
    // class_uid decides: an OCSF-looking event is never re-read as a simple event.
    const r = normalizeEvent({ class_uid: 'x', type: 'user.login', user: { name: 'a' } }, opts);
    expect(r.ok ? '' : r.error).toMatch(/^class_uid: /);
  });

  it('simple event: mapped, uid from id or fresh, org_id as orgId', () => {
    const r = normalizeEvent({ type: 'user.login', id: 'evt-9', org_id: 'org-1', user: { name: 'a' } }, opts);
    if (!r.ok) throw new Error(r.error);
    expect([r.uid, r.time, r.classUid, r.severityId, r.orgId]).toEqual(['evt-9', NOW, 3002, 1, 'org-1']);
    expect(r.event.metadata.uid).toBe('evt-9');
    const fresh = normalizeEvent({ type: 'threat.detected' }, { ...opts, product: { name: 'Arbitex' } });
    if (!fresh.ok) throw new Error(fresh.error);
    expect(fresh.uid).toMatch(/^00000000-/);
    expect([fresh.classUid, fresh.severityId, fresh.event.metadata.product]).toEqual([2004, 4, { name: 'Arbitex' }]);
  });

  it('errors: not an object, neither kind, bad simple event', () => {
    expect(normalizeEvent('x', opts)).toEqual({ ok: false, error: 'event: must be a JSON object' });
    expect(normalizeEvent({ hello: 1 }, opts)).toEqual({
      ok: false,
      error: 'event: needs class_uid (an OCSF event) or type (a simple event)',
    });
    const r = normalizeEvent({ type: 'nope' }, opts);
    expect(r.ok ? '' : r.error).toMatch(/^type: unknown simple event type "nope" \(known: /);
  });
});
