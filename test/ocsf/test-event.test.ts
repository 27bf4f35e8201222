import { describe, expect, it } from 'vitest';
import { syntheticTestEvent, TEST_EVENT_LABELS, TEST_EVENT_MESSAGE } from '../../src/ocsf/test-event.ts';
import { validateOcsfEvent } from '../../src/ocsf/validate.ts';
import { schemaErrors } from './ocsf-schemas.ts';

const NOW = 1_718_020_800_000;

describe('syntheticTestEvent', () => {
  it('is a valid, labelled API Activity event carrying the given identity, time and organisation', () => {
    const e = syntheticTestEvent({ now: NOW, uid: 'test-uid', orgId: 'org-1', connectorType: 'splunk_hec' });
    expect(schemaErrors('api_activity', e)).toBe('');
    expect(validateOcsfEvent(e)).toEqual({ ok: true });
    expect(e.metadata.labels).toEqual(['siemstream-test', 'connection-test']);
    expect(TEST_EVENT_LABELS).toEqual(['siemstream-test', 'connection-test']);
    expect(e.message).toBe(TEST_EVENT_MESSAGE);
    expect(e.message).toBe('siemstream connection test');
    expect([e.class_uid, e.activity_id, e.type_uid, e.activity_name]).toEqual([6003, 99, 600399, 'Connection Test']);
    expect([e.time, e.metadata.uid, e.metadata.tenant_uid]).toEqual([NOW, 'test-uid', 'org-1']);
    expect(e.unmapped).toEqual({ connector_type: 'splunk_hec' });
  });

  it('without optional fields: a fresh UUID each time, no tenant, still valid', () => {
    const a = syntheticTestEvent({ now: NOW });
    const b = syntheticTestEvent({ now: NOW });
    expect(a.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.metadata.uid).not.toBe(b.metadata.uid);
    expect('tenant_uid' in a.metadata).toBe(false);
    expect('unmapped' in a).toBe(false);
    expect(schemaErrors('api_activity', a)).toBe('');
  });

  it('uses the given product', () => {
    const e = syntheticTestEvent({ now: NOW, product: { name: 'Arbitex', vendor_name: 'Arbitex' } });
    expect(e.metadata.product).toEqual({ name: 'Arbitex', vendor_name: 'Arbitex' });
    expect(schemaErrors('api_activity', e)).toBe('');
  });
});
