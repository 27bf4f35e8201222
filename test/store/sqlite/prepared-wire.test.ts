/** The prepared body's trip from the append worker to the main thread: the same events come out. */
import { expect, it } from 'vitest';
import { scanEventsBody, scannedElements } from '../../../src/api/events-body.ts';
import type { NewEvent } from '../../../src/store/event-log.ts';
import { KeptNewEvent } from '../../../src/store/kept-event.ts';
import { preparePublishBody } from '../../../src/pipeline/publish-body.ts';
import { packPrepared, unpackPrepared } from '../../../src/store/sqlite/prepared-wire.ts';
import { authenticationEvent } from '../../fixtures/events.ts';

it('round-trips kept texts as element indexes, spliced and re-serialised ones as texts, and every field', () => {
  const kept = { ...authenticationEvent(), metadata: { ...authenticationEvent().metadata, tenant_uid: 'org-1' } };
  const spliced = authenticationEvent(); // tenant_uid added
  const simple = { type: 'user.login', id: 's-1', org_id: 'org-2', user: { user_id: 'u' } }; // mapped: re-serialised
  const text = `  ${JSON.stringify([kept, { type: 'nope' }, spliced, simple])}`;
  const scanned = scanEventsBody(text, 'json');
  const prepared = preparePublishBody(scanned, { allowedOrgs: 'any', orgId: 'org-1' }, 1_700_000_000_000);
  expect(prepared.sentElement).toEqual([0, -1, -1]);

  const wire = packPrepared(prepared);
  expect(wire.texts).toHaveLength(2);
  // A structured clone, as postMessage does.
  const back = unpackPrepared(structuredClone(wire), scannedElements(scanned));
  const fields = ({ orgId, uid, classUid, severityId, time, json }: NewEvent) => ({ orgId, uid, classUid, severityId, time, json });
  expect(back.valid.map(fields)).toEqual(prepared.valid.map(fields));
  // The kept one is the request's bytes, its text decoded only when read (and then once).
  const keptBack = back.valid[0] as KeptNewEvent;
  expect(keptBack).toBeInstanceOf(KeptNewEvent);
  expect(keptBack.jsonUtf8.buffer).toBe(scannedElements(scanned)!.bytes.buffer);
  expect(keptBack.json).toBe(keptBack.json);
  expect(JSON.parse(JSON.stringify(keptBack))).toEqual(fields(prepared.valid[0]!));
  expect(back.valid[1]).not.toBeInstanceOf(KeptNewEvent);
  expect(back.rejected).toEqual(prepared.rejected);
  expect(back.orgIds).toEqual(['org-1', 'org-2']);
  expect(back.valid[0]!.json).toBe(JSON.stringify(kept));
});
