/**
 * For every simple event type: the smallest event the mapper accepts, and one with every field it reads
 * (plus an extra field that must land in `unmapped`). simple-events.test.ts requires an entry per type.
 */
import type { SimpleEventType } from '../../src/ocsf/simple-events.ts';

type Example = Record<string, unknown>;

const alice = { user_id: 'u-1', email: 'alice@example.com', name: 'Alice' };
const bob = { user_id: 'u-2', email: 'bob@example.com', name: 'Bob' };
const common = {
  id: 'evt-1',
  time: '2024-06-10T12:00:00.250Z',
  org_id: 'org-1',
  ip: '203.0.113.7',
  user_agent: 'Mozilla/5.0',
  message: 'custom message',
  severity: 'medium',
  extra_field: { nested: [1, null, 'x'] },
};

export const SIMPLE_EVENT_EXAMPLES: Record<SimpleEventType, { minimal: Example; full: Example }> = {
  'user.login': {
    minimal: { user: { email: 'alice@example.com' } },
    full: { ...common, actor: alice, user: alice, outcome: 'success', service: 'console', mfa: true, mfa_method: 'totp', session_id: 's-1' },
  },
  'user.logout': {
    minimal: { actor: { user_id: 'u-1' } },
    full: { ...common, user: alice, reason: 'user initiated', session_id: 's-1' },
  },
  'user.login_failed': {
    minimal: { user: { name: 'alice' } },
    full: { ...common, user: alice, outcome: 'failure', reason: 'INVALID_CREDENTIALS', mfa_method: 'password' },
  },
  'user.mfa_challenge': {
    minimal: { user: { user_id: 'u-1' } },
    full: { ...common, user: alice, outcome: 'failure', reason: 'wrong code', mfa_method: 'carrier pigeon' },
  },
  'user.created': { minimal: { user: bob }, full: { ...common, actor: alice, user: bob, outcome: 'success' } },
  'user.enabled': { minimal: { user: bob }, full: { ...common, actor: alice, user: bob } },
  'user.disabled': { minimal: { user: bob }, full: { ...common, actor: alice, user: bob, reason: 'offboarding' } },
  'user.deleted': { minimal: { user: bob }, full: { ...common, actor: alice, user: bob } },
  'user.password_changed': { minimal: { actor: alice }, full: { ...common, actor: alice, user: alice } },
  'user.password_reset': { minimal: { user: bob }, full: { ...common, actor: alice, user: bob, outcome: 'failure', reason: 'token expired' } },
  'user.mfa_enabled': { minimal: { user: alice }, full: { ...common, actor: alice, user: alice, mfa_method: 'webauthn' } },
  'user.mfa_disabled': { minimal: { user: alice }, full: { ...common, actor: bob, user: alice, mfa_method: 'sms' } },
  'user.locked': { minimal: { user: alice }, full: { ...common, user: alice, reason: 'too many failed logins' } },
  'user.unlocked': { minimal: { user: alice }, full: { ...common, actor: bob, user: alice } },
  'role.assigned': {
    minimal: { user: bob, role: 'admin' },
    full: { ...common, actor: alice, user: bob, role: 'admin', resource: { id: 'proj-1', name: 'Project 1', type: 'project' } },
  },
  'role.revoked': { minimal: { user: bob, role: 'admin' }, full: { ...common, actor: alice, user: bob, role: ['admin', 'owner'] } },
  'permission.granted': {
    minimal: { user: bob, permission: 'billing:read' },
    full: { ...common, actor: alice, user: bob, permission: 'billing:read', permissions: ['billing:write'], resource: 'billing' },
  },
  'permission.revoked': {
    minimal: { user: bob, permissions: ['billing:read'] },
    full: { ...common, actor: alice, user: bob, permissions: ['billing:read', 'billing:write'] },
  },
  'group.created': { minimal: { group: 'engineering' }, full: { ...common, actor: alice, group: { id: 'g-1', name: 'engineering' } } },
  'group.deleted': { minimal: { group: { id: 'g-1' } }, full: { ...common, actor: alice, group: { id: 'g-1', name: 'engineering' } } },
  'group.member_added': {
    minimal: { group: 'engineering', user: bob },
    full: { ...common, actor: alice, user: bob, group: { id: 'g-1', name: 'engineering' } },
  },
  'group.member_removed': {
    minimal: { group: 'engineering', actor: bob },
    full: { ...common, actor: alice, user: bob, group: { id: 'g-1', name: 'engineering' }, outcome: 'failure' },
  },
  'api.request': {
    minimal: { actor: { user_id: 'u-1' }, ip: '198.51.100.1', operation: 'ListUsers' },
    full: {
      ...common,
      actor: alice,
      method: 'post',
      path: '/v1/users',
      status_code: 403,
      request_id: 'req-1',
      service: 'admin-api',
      reason: 'forbidden',
    },
  },
  'api_key.created': {
    minimal: { user: alice, ip: '2001:db8::1', api_key: 'ci-key' },
    full: { ...common, actor: alice, user: bob, api_key: { id: 'k-1', name: 'ci-key' }, request_id: 'req-2' },
  },
  'api_key.revoked': {
    minimal: { actor: alice, ip: '::ffff:192.0.2.1', api_key: { id: 'k-1' } },
    full: { ...common, actor: alice, user: bob, api_key: { id: 'k-1', name: 'ci-key' }, method: 'DELETE', path: '/v1/keys/k-1', status_code: 204 },
  },
  'threat.detected': {
    minimal: {},
    full: {
      ...common,
      actor: alice,
      user: bob,
      title: 'Credential stuffing',
      description: '500 failed logins from one address',
      finding_id: 'f-1',
      rule: 'cred-stuffing-v2',
      risk_score: 87,
      confidence: 90,
    },
  },
  'anomaly.detected': {
    minimal: { user: alice },
    full: { ...common, user: alice, title: 'Impossible travel', rule: 'geo-velocity', confidence: 60, outcome: 'success' },
  },
};
