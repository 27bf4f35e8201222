/** The prepared body's trip from the append worker to the main thread: the same events come out. */
import { expect, it } from 'vitest';
import { scanEventsBody, scannedElements } from '../../../src/intake/events-body.ts';
import type { NewEvent } from '../../../src/store/event-log.ts';
import { KeptNewEvent } from '../../../src/store/kept-event.ts';
import { preparePublishBody } from '../../../src/intake/publish-body.ts';
import { packPrepared, unpackPrepared } from '../../../src/store/sqlite/prepared-wire.ts';
import { authenticationEvent } from '../../fixtures/events.ts';

it('round-trips kept texts as byte ranges, spliced and re-serialised ones as texts, and every field', () => {
  const kept = { ...authenticationEvent(), metadata: { ...authenticationEvent().metadata, tenant_uid: 'org-1' } };
  const spliced = authenticationEvent(); // tenant_uid added
  const simple = { type: 'user.login', id: 's-1', org_id: 'org-2', user: { user_id: 'u' } }; // mapped: re-serialised
  const text = `  ${JSON.stringify([kept, { type: 'nope' }, spliced, simple])}`;
  const scanned = scanEventsBody(text, 'json');
  const prepared = preparePublishBody(scanned, { allowedOrgs: 'any', orgId: 'org-1' }, 1_700_000_000_000);
  const body = scannedElements(scanned)!.bytes;
  expect(prepared.valid.map((e) => e instanceof KeptNewEvent)).toEqual([true, false, false]);

  const wire = packPrepared(prepared, body);
  expect(wire.texts).toHaveLength(2);
  // The kept one by where it is in the body (after the leading spaces and the bracket).
  expect(Array.from(wire.kept)).toEqual([3, 3 + Buffer.byteLength(JSON.stringify(kept)), -1, -1, -1, -1]);
  // A structured clone, as postMessage does; the main thread's copy of the body.
  const back = unpackPrepared(structuredClone(wire), Buffer.from(body));
  const fields = ({ orgId, uid, classUid, severityId, time, json }: NewEvent) => ({ orgId, uid, classUid, severityId, time, json });
  expect(back.valid.map(fields)).toEqual(prepared.valid.map(fields));
  // The kept one is the request's bytes, its text decoded only when read (and then once).
  const keptBack = back.valid[0] as KeptNewEvent;
  expect(keptBack).toBeInstanceOf(KeptNewEvent);
  expect(Buffer.from(keptBack.jsonUtf8).toString()).toBe(JSON.stringify(kept));
  expect(keptBack.json).toBe(keptBack.json);
  expect(JSON.parse(JSON.stringify(keptBack))).toEqual(fields(prepared.valid[0]!));
  expect(back.valid[1]).not.toBeInstanceOf(KeptNewEvent);
  expect(back.rejected).toEqual(prepared.rejected);
  expect(back.orgIds).toEqual(['org-1', 'org-2']);
  expect(back.valid[0]!.json).toBe(JSON.stringify(kept));
});

it('sends an event as its text when its bytes are not a view of the body', () => {
  const body = Buffer.from('[{}]');
  const elsewhere = new KeptNewEvent('org-1', 'u-1', 3002, 1, 1, Buffer.from('{"a":1}'));
  const wire = packPrepared({ valid: [elsewhere], rejected: [], orgIds: ['org-1'] }, body);
  expect(Array.from(wire.kept)).toEqual([-1, -1]);
  expect(unpackPrepared(wire, body).valid[0]!.json).toBe('{"a":1}');
});
