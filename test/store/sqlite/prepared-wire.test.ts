/** The prepared body's trip from the append worker to the main thread: the same events come out. */
import { expect, it } from 'vitest';
import { scanEventsBody, scannedElements } from '../../../src/api/events-body.ts';
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
  expect(back.valid).toEqual(prepared.valid);
  expect(back.rejected).toEqual(prepared.rejected);
  expect(back.orgIds).toEqual(['org-1', 'org-2']);
  expect(back.valid[0]!.json).toBe(JSON.stringify(kept));
});
