import { describe, expect, it } from 'vitest';
import type { OcsfEvent } from '../../src/connectors/shared/types.ts';
import { OCSF_CLASS_BY_UID } from '../../src/ocsf/classes.ts';
import {
  mapSimpleEvent,
  simpleEventClassUid,
  SIMPLE_EVENT_TYPES,
  type MapSimpleEventOptions,
} from '../../src/ocsf/simple-events.ts';
import { validateOcsfEvent } from '../../src/ocsf/validate.ts';
import { schemaErrors } from './ocsf-schemas.ts';
import { SIMPLE_EVENT_EXAMPLES } from './simple-event-examples.ts';

const NOW = 1_718_020_800_000;
let uidCounter = 0;
const opts: MapSimpleEventOptions = { now: () => NOW, newUid: () => `uid-${++uidCounter}` };

type Ev = OcsfEvent & Record<string, any>;

function map(e: Record<string, unknown>, o: Partial<MapSimpleEventOptions> = {}): Ev {
  const r = mapSimpleEvent(e, { ...opts, ...o });
  if (!r.ok) throw new Error(r.error);
  return r.event as Ev;
}

function mapError(e: unknown): string {
  const r = mapSimpleEvent(e, opts);
  if (r.ok) throw new Error(`expected a mapping error, got ${JSON.stringify(r.event)}`);
  return r.error;
}

/** The class's expected activity per type (from the OCSF activity_id enum; see README mapping table). */
const EXPECTED_ACTIVITY: Record<(typeof SIMPLE_EVENT_TYPES)[number], [number, string]> = {
  'user.login': [1, 'Logon'],
  'user.logout': [2, 'Logoff'],
  'user.login_failed': [1, 'Logon'],
  'user.mfa_challenge': [99, 'MFA Challenge'],
  'user.created': [1, 'Create'],
  'user.enabled': [2, 'Enable'],
  'user.password_changed': [3, 'Password Change'],
  'user.password_reset': [4, 'Password Reset'],
  'user.disabled': [5, 'Disable'],
  'user.deleted': [6, 'Delete'],
  'user.locked': [9, 'Lock'],
  'user.mfa_enabled': [10, 'MFA Factor Enable'],
  'user.mfa_disabled': [11, 'MFA Factor Disable'],
  'user.unlocked': [12, 'Unlock'],
  'role.assigned': [1, 'Assign Privileges'],
  'role.revoked': [2, 'Revoke Privileges'],
  'permission.granted': [1, 'Assign Privileges'],
  'permission.revoked': [2, 'Revoke Privileges'],
  'group.created': [6, 'Create'],
  'group.deleted': [5, 'Delete'],
  'group.member_added': [3, 'Add User'],
  'group.member_removed': [4, 'Remove User'],
  'api.request': [1, 'Create'], // the full example is a POST
  'api_key.created': [1, 'Create'],
  'api_key.revoked': [4, 'Delete'],
  'threat.detected': [1, 'Create'],
  'anomaly.detected': [1, 'Create'],
};

describe('mapSimpleEvent: every type validates against its class JSON Schema', () => {
  it('has an example and an expected activity for every type', () => {
    expect(Object.keys(SIMPLE_EVENT_EXAMPLES).sort()).toEqual([...SIMPLE_EVENT_TYPES].sort());
    expect(Object.keys(EXPECTED_ACTIVITY).sort()).toEqual([...SIMPLE_EVENT_TYPES].sort());
  });

  for (const type of SIMPLE_EVENT_TYPES) {
    for (const variant of ['minimal', 'full'] as const) {
      it(`${type} (${variant})`, () => {
        const event = map({ type, ...SIMPLE_EVENT_EXAMPLES[type][variant] });
        const rule = OCSF_CLASS_BY_UID.get(simpleEventClassUid(type))!;
        expect(schemaErrors(rule.name, event)).toBe('');
        expect(validateOcsfEvent(event)).toEqual({ ok: true });
        expect(event.class_uid).toBe(rule.uid);
        expect(event.metadata.event_code).toBe(type);
        expect(event.metadata.version).toBe('1.8.0');
        if (variant === 'full') {
          expect([event.activity_id, event.activity_name]).toEqual(EXPECTED_ACTIVITY[type]);
          expect(event.metadata.uid).toBe('evt-1');
          expect(event.metadata.tenant_uid).toBe('org-1');
          expect(event.time).toBe(Date.parse('2024-06-10T12:00:00.250Z'));
          expect(event.message).toBe('custom message');
          expect(event.severity_id).toBe(3);
          expect(event.unmapped?.extra_field).toEqual({ nested: [1, null, 'x'] });
        } else {
          expect(event.time).toBe(NOW);
          expect(event.metadata.uid).toMatch(/^uid-\d+$/);
          expect(event.unmapped).toBeUndefined();
        }
      });
    }
  }
});

describe('mapSimpleEvent: where fields go', () => {
  it('authentication: user, actor, ip, user agent, outcome, service, MFA, session', () => {
    const e = map({ type: 'user.login', ...SIMPLE_EVENT_EXAMPLES['user.login'].full });
    expect(e.user).toEqual({ uid: 'u-1', name: 'Alice', email_addr: 'alice@example.com' });
    expect(e.actor).toEqual({ user: e.user });
    expect(e.src_endpoint).toEqual({ ip: '203.0.113.7' });
    expect(e.http_request).toEqual({ user_agent: 'Mozilla/5.0' });
    expect([e.status_id, e.status]).toEqual([1, 'Success']);
    expect(e.service).toEqual({ name: 'console' });
    expect(e.is_mfa).toBe(true);
    expect(e.auth_factors).toEqual([{ factor_type_id: 7, factor_type: 'OTP' }]);
    expect(e.session).toEqual({ uid: 's-1' });
    expect(e.type_uid).toBe(300201);
    expect(e.metadata.product).toEqual({ name: 'AuthOS', vendor_name: 'siemstream' });
  });

  it('a user given only by email is named by it; service defaults to the product name', () => {
    const e = map({ type: 'user.login', user: { email: 'alice@example.com' } });
    expect(e.user).toEqual({ name: 'alice@example.com', email_addr: 'alice@example.com' });
    expect(e.service).toEqual({ name: 'AuthOS' });
    expect([e.severity_id, e.severity]).toEqual([1, 'Informational']);
  });

  it('login_failed is a failure (severity at least Low) and refuses outcome "success"', () => {
    const e = map({ type: 'user.login_failed', user: { name: 'alice' }, reason: 'INVALID_CREDENTIALS' });
    expect([e.status_id, e.status, e.status_detail]).toEqual([2, 'Failure', 'INVALID_CREDENTIALS']);
    expect(e.severity_id).toBe(2);
    expect(mapError({ type: 'user.login_failed', user: { name: 'alice' }, outcome: 'success' })).toMatch(/^outcome: /);
  });

  it('a failed outcome raises the default severity to Low; an explicit severity wins', () => {
    expect(map({ type: 'user.password_reset', user: { name: 'a' }, outcome: 'failure' }).severity_id).toBe(2);
    expect(map({ type: 'user.password_reset', user: { name: 'a' }, outcome: 'failure', severity: 5 }).severity_id).toBe(5);
    expect(map({ type: 'user.password_reset', user: { name: 'a' }, severity: 'HIGH' }).severity).toBe('High');
  });

  it('mfa challenge is activity Other labelled "MFA Challenge" with is_mfa; unknown factors keep their name', () => {
    const e = map({ type: 'user.mfa_challenge', ...SIMPLE_EVENT_EXAMPLES['user.mfa_challenge'].full });
    expect([e.activity_id, e.activity_name, e.type_uid, e.type_name]).toEqual([99, 'MFA Challenge', 300299, 'Authentication: Other']);
    expect(e.is_mfa).toBe(true);
    expect(e.auth_factors).toEqual([{ factor_type_id: 99, factor_type: 'carrier pigeon' }]);
  });

  it('account change: target user, actor, MFA factor', () => {
    const e = map({ type: 'user.mfa_disabled', ...SIMPLE_EVENT_EXAMPLES['user.mfa_disabled'].full });
    expect(e.user.uid).toBe('u-1');
    expect(e.actor.user.uid).toBe('u-2');
    expect(e.auth_factors).toEqual([{ factor_type_id: 1, factor_type: 'SMS' }]);
    // Self-service: the actor is the target when no user is given.
    expect(map({ type: 'user.password_changed', actor: { user_id: 'u-9' } }).user).toEqual({ uid: 'u-9' });
  });

  it('user access: role / permissions → privileges, resource → resources', () => {
    const role = map({ type: 'role.assigned', ...SIMPLE_EVENT_EXAMPLES['role.assigned'].full });
    expect(role.privileges).toEqual(['admin']);
    expect(role.resources).toEqual([{ uid: 'proj-1', name: 'Project 1', type: 'project' }]);
    const perm = map({ type: 'permission.granted', ...SIMPLE_EVENT_EXAMPLES['permission.granted'].full });
    expect(perm.privileges).toEqual(['billing:read', 'billing:write']);
    expect(perm.resources).toEqual([{ name: 'billing' }]);
  });

  it('group management: group as name or {id, name}; the member is the user', () => {
    const e = map({ type: 'group.member_added', ...SIMPLE_EVENT_EXAMPLES['group.member_added'].full });
    expect(e.group).toEqual({ uid: 'g-1', name: 'engineering' });
    expect(e.user.uid).toBe('u-2');
    expect(map({ type: 'group.created', group: 'ops' }).group).toEqual({ name: 'ops' });
    expect(map({ type: 'group.created', group: 'ops', user: { name: 'x' } }).user).toBeUndefined();
  });

  it('api.request: method → activity, operation, http request/response, failure from status code', () => {
    const e = map({ type: 'api.request', ...SIMPLE_EVENT_EXAMPLES['api.request'].full });
    expect(e.api).toEqual({ operation: 'POST /v1/users', service: { name: 'admin-api' }, request: { uid: 'req-1' } });
    expect(e.http_request).toEqual({ http_method: 'POST', url: { path: '/v1/users' }, user_agent: 'Mozilla/5.0' });
    expect(e.http_response).toEqual({ code: 403 });
    expect([e.status_id, e.status_detail]).toEqual([2, 'forbidden']);
    const base = { type: 'api.request', actor: { name: 'a' }, ip: '192.0.2.1', path: '/x' };
    expect(map({ ...base, method: 'GET' }).activity_id).toBe(2);
    expect(map({ ...base, method: 'PATCH' }).activity_id).toBe(3);
    expect(map({ ...base, method: 'DELETE' }).activity_id).toBe(4);
    const options = map({ ...base, method: 'OPTIONS' });
    expect([options.activity_id, options.activity_name, options.type_uid]).toEqual([99, 'OPTIONS', 600399]);
    // The user stands in for a missing actor; with both, user is not an API Activity attribute: kept in unmapped.
    expect(map({ type: 'api.request', user: { name: 'u' }, ip: '192.0.2.1', operation: 'op' }).actor).toEqual({ user: { name: 'u' } });
    expect(map({ ...base, method: 'GET', user: { name: 'u' } }).unmapped).toEqual({ user: { name: 'u' } });
  });

  it('api keys: the key is a resource owned by the user, never with secret material', () => {
    const e = map({ type: 'api_key.created', ...SIMPLE_EVENT_EXAMPLES['api_key.created'].full });
    expect(e.resources).toEqual([
      { uid: 'k-1', name: 'ci-key', type: 'api_key', owner: { uid: 'u-2', name: 'Bob', email_addr: 'bob@example.com' } },
    ]);
    expect(e.api.operation).toBe('api_key.create');
    const err = mapError({ type: 'api_key.created', actor: { name: 'a' }, ip: '192.0.2.1', api_key: { id: 'k', secret: 'sk_live_123' } });
    expect(err).toMatch(/^api_key\.secret: unknown field/);
    expect(err).not.toContain('sk_live_123');
  });

  it('detection finding: finding_info, evidence (no top-level actor), alert flag, scores', () => {
    const e = map({ type: 'threat.detected', ...SIMPLE_EVENT_EXAMPLES['threat.detected'].full });
    expect(e.actor).toBeUndefined();
    expect(e.src_endpoint).toBeUndefined();
    expect(e.finding_info).toEqual({
      uid: 'f-1',
      title: 'Credential stuffing',
      desc: '500 failed logins from one address',
      types: ['threat'],
      created_time: e.time,
      analytic: { name: 'cred-stuffing-v2', type_id: 1, type: 'Rule' },
    });
    expect(e.evidences).toEqual([
      {
        actor: { user: { uid: 'u-1', name: 'Alice', email_addr: 'alice@example.com' } },
        user: { uid: 'u-2', name: 'Bob', email_addr: 'bob@example.com' },
        src_endpoint: { ip: '203.0.113.7' },
        http_request: { user_agent: 'Mozilla/5.0' },
      },
    ]);
    expect([e.is_alert, e.risk_score, e.confidence_score, e.status]).toEqual([true, 87, 90, 'New']);
    const bare = map({ type: 'threat.detected' });
    expect(bare.finding_info.uid).toBe(bare.metadata.uid);
    expect([bare.severity_id, bare.evidences]).toEqual([4, undefined]);
    const anomaly = map({ type: 'anomaly.detected', ...SIMPLE_EVENT_EXAMPLES['anomaly.detected'].full });
    expect([anomaly.is_alert, anomaly.finding_info.analytic.type]).toEqual([false, 'Behavioral']);
    expect(anomaly.unmapped).toEqual({ extra_field: { nested: [1, null, 'x'] }, outcome: 'success' });
  });

  it('metadata.product comes from the options', () => {
    const product = { name: 'Acme SSO', vendor_name: 'Acme', version: '2.1' };
    const e = map({ type: 'group.created', group: 'g' }, { product });
    expect(e.metadata.product).toEqual(product);
    expect(schemaErrors('group_management', e)).toBe('');
  });

  it('accepts epoch-millisecond and offset ISO times, null as absent', () => {
    expect(map({ type: 'user.login', user: { name: 'a' }, time: 1_700_000_000_123 }).time).toBe(1_700_000_000_123);
    expect(map({ type: 'user.login', user: { name: 'a' }, time: '2024-06-10T14:00:00+02:00' }).time).toBe(
      Date.parse('2024-06-10T12:00:00Z'),
    );
    const e = map({ type: 'user.login', user: { name: 'a' }, ip: null, org_id: null, time: null });
    expect([e.src_endpoint, e.metadata.tenant_uid, e.time, e.unmapped]).toEqual([undefined, undefined, NOW, undefined]);
  });
});

describe('mapSimpleEvent: rejections name the field', () => {
  it.each<[string, unknown, RegExp]>([
    ['not an object', [1], /^event: /],
    ['no type', { user: { name: 'a' } }, /^type: required, one of user\.login, /],
    ['unknown type lists the known ones', { type: 'user.teleported' }, /^type: unknown simple event type "user\.teleported" \(known: user\.login, .*anomaly\.detected\)$/],
    ['inherited property as type', { type: 'constructor' }, /^type: unknown/],
    ['missing user', { type: 'user.login' }, /^user: required for user\.login/],
    ['user without identity', { type: 'user.login', user: {} }, /^user: needs user_id, email or name/],
    ['unknown user field', { type: 'user.login', user: { id: 'x' } }, /^user\.id: unknown field/],
    ['bad email', { type: 'user.login', user: { email: 'not-an-email' } }, /^user\.email: /],
    ['bad ip', { type: 'user.login', user: { name: 'a' }, ip: '999.1.1.1' }, /^ip: /],
    ['bad time string', { type: 'user.login', user: { name: 'a' }, time: 'yesterday' }, /^time: /],
    ['time without offset', { type: 'user.login', user: { name: 'a' }, time: '2024-06-10T12:00:00' }, /^time: /],
    ['fractional epoch', { type: 'user.login', user: { name: 'a' }, time: 1.5 }, /^time: /],
    ['bad outcome', { type: 'user.login', user: { name: 'a' }, outcome: 'ok' }, /^outcome: /],
    ['bad severity', { type: 'user.login', user: { name: 'a' }, severity: 'apocalyptic' }, /^severity: /],
    ['empty id', { type: 'user.login', user: { name: 'a' }, id: '' }, /^id: /],
    ['numeric org_id', { type: 'user.login', user: { name: 'a' }, org_id: 5 }, /^org_id: /],
    ['role missing', { type: 'role.assigned', user: { name: 'a' } }, /^role: required/],
    ['empty permissions', { type: 'permission.granted', user: { name: 'a' }, permissions: [] }, /^permissions: /],
    ['group missing', { type: 'group.created' }, /^group: required/],
    ['member missing', { type: 'group.member_added', group: 'g' }, /^user: required/],
    ['api actor missing', { type: 'api.request', ip: '192.0.2.1', operation: 'x' }, /^actor: required/],
    ['api ip missing', { type: 'api.request', actor: { name: 'a' }, operation: 'x' }, /^ip: required/],
    ['api operation missing', { type: 'api.request', actor: { name: 'a' }, ip: '192.0.2.1' }, /^operation: required/],
    ['bad method', { type: 'api.request', actor: { name: 'a' }, ip: '192.0.2.1', method: 'FETCH', path: '/' }, /^method: /],
    ['bad status code', { type: 'api.request', actor: { name: 'a' }, ip: '192.0.2.1', operation: 'x', status_code: 42 }, /^status_code: /],
    ['api key missing', { type: 'api_key.revoked', actor: { name: 'a' }, ip: '192.0.2.1' }, /^api_key: required/],
    ['confidence out of range', { type: 'threat.detected', confidence: 101 }, /^confidence: /],
  ])('%s', (_name, event, error) => {
    expect(mapError(event)).toMatch(error);
  });
});
