/** The JSON text stored for a published event: the sent text kept (or spliced) when that is safe, else re-serialised. */
import { describe, expect, it } from 'vitest';
import { parseEventsBody } from '../../src/intake/events-body.ts';
import type { OcsfEvent } from '../../src/connectors/shared/types.ts';
import type { NewEvent } from '../../src/store/event-log.ts';
import { storedEventJson } from '../../src/intake/event-json.ts';
import { prepareEvent } from '../../src/intake/prepare-event.ts';
import { authenticationEvent } from '../fixtures/events.ts';

/** As the publish path does it: the event sent in a JSON array body, parsed, prepared with its text alongside. */
function publishText(text: string, rules: { orgId?: string; allowedOrgs?: 'any' } = { orgId: 'org-1' }): NewEvent {
  const body = parseEventsBody(`[${text}]`, 'json');
  const prepared = prepareEvent(body.events[0], rules, 1_700_000_000_000, body.texts?.[0]);
  if ('error' in prepared) throw new Error(prepared.error);
  return prepared;
}

describe('stored event JSON', () => {
  it('keeps the sent text as is when the event needs nothing added (whitespace and key order included)', () => {
    const event = authenticationEvent();
    event.metadata.tenant_uid = 'org-1';
    const text = JSON.stringify(event, null, ' ').replace(/\n/g, ' ');
    expect(publishText(text).json).toBe(text);
  });

  it('splices metadata.tenant_uid and metadata.uid into the sent text when they are added', () => {
    const event = authenticationEvent();
    const text = JSON.stringify(event);
    const withTenant = publishText(text);
    expect(withTenant.json).not.toBe(text);
    expect(JSON.parse(withTenant.json)).toEqual({ ...event, metadata: { ...event.metadata, tenant_uid: 'org-1' } });

    const { uid: _uid, ...noUid } = event.metadata;
    const bare = { ...event, metadata: noUid } as OcsfEvent;
    const withBoth = publishText(JSON.stringify(bare));
    expect(withBoth.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(withBoth.json)).toEqual({ ...bare, metadata: { ...noUid, uid: withBoth.uid, tenant_uid: 'org-1' } });
  });

  it('re-serialises mapped simple events and events whose top-level org_id moved into metadata', () => {
    const simple = publishText(JSON.stringify({ type: 'user.login', id: 's-1', user: { user_id: 'u-1' } }));
    expect(JSON.parse(simple.json).class_uid).toBe(3002);

    const event = { ...authenticationEvent(), org_id: 'org-9' };
    const moved = publishText(JSON.stringify(event), { allowedOrgs: 'any' });
    const { org_id: _org, ...rest } = event;
    expect(moved.json).toBe(JSON.stringify({ ...rest, metadata: { ...event.metadata, tenant_uid: 'org-9' } }));
  });

  it('re-serialises texts that a consumer could read differently: line breaks, escaped keys, duplicate keys', () => {
    const event = authenticationEvent();
    const reserialised = (text: string) => {
      const parsed = JSON.parse(text);
      expect(publishText(text).json).toBe(JSON.stringify({ ...parsed, metadata: { ...parsed.metadata, tenant_uid: 'org-1' } }));
    };
    reserialised(JSON.stringify(event, null, 2));
    // A first-wins parser would see org-2's tenant; JSON.parse (and the org check) sees org-1's.
    reserialised(JSON.stringify(event).replace('"metadata":{', '"metadata":{"tenant_uid":"org-2","tenant_uid":"org-1",'));
    reserialised(JSON.stringify(event).replace(/}$/, ',"metadata":' + JSON.stringify(event.metadata) + '}'));
    // An escaped key could be "metadata" in disguise.
    reserialised(JSON.stringify(event).replace('"message":', '"mess\\u0061ge":'));
    // Escapes in values read the same everywhere: kept (tenant spliced in).
    const escaped = JSON.stringify(event).replace('"message":"', '"message":"\\u0041\\"');
    const kept = publishText(escaped).json;
    expect(kept.startsWith(escaped.slice(0, escaped.indexOf('"metadata"')))).toBe(true);
    expect(JSON.parse(kept).message).toBe(`A"${event.message}`);
  });

  it('storedEventJson splices into an empty metadata object and refuses to change a value that was sent', () => {
    const event = { class_uid: 1, metadata: { uid: 'u' } } as unknown as OcsfEvent;
    const empty = '{"class_uid":1,"metadata":{ }}';
    expect(storedEventJson(event, { text: empty, metadataObject: empty.indexOf('{', 1) }, {})).toBe('{"class_uid":1,"metadata":{"uid":"u" }}');
    const sent = '{"class_uid":1,"metadata":{"uid":"v"}}';
    expect(storedEventJson(event, { text: sent, metadataObject: sent.indexOf('{', 1) }, { uid: 'v' })).toBe(JSON.stringify(event));
    expect(storedEventJson(event)).toBe(JSON.stringify(event));
  });
});
