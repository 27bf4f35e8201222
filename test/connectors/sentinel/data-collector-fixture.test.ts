/**
 * The shared compliance suite runs the first fixture of fixture.ts (the Logs Ingestion form); this runs the same
 * core checks for the legacy Data Collector form through its own fixture.
 */
import { describe, expect, it } from 'vitest';
import { sentinelConnector } from '../../../src/connectors/sentinel/index.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { sentinelDataCollectorFixture } from './fixture.ts';

async function withLegacy(egressAllow: string[] | undefined, body: (h: Awaited<ReturnType<typeof start>>) => Promise<void>) {
  const h = await start(egressAllow);
  try {
    await body(h);
  } finally {
    await h.deps.close();
    await h.receiver.close();
  }
}

async function start(egressAllow: string[] | undefined) {
  const { receiver, config } = await sentinelDataCollectorFixture.start({ gzip: false });
  const deps = createConnectorDeps({ egressAllow });
  return { receiver, deps, connector: sentinelConnector.create(config, deps) };
}

const uids = (events: Record<string, unknown>[]) => events.map((e) => (e.metadata as { uid: string }).uid);

describe('sentinel legacy form through its compliance fixture', () => {
  it('delivers 25 events in order, then recovers from every injectable fault', async () => {
    await withLegacy(['127.0.0.1'], async ({ receiver, connector }) => {
      const events = sampleEvents(25);
      expect(await connector.send(events)).toMatchObject({ kind: 'success', status: 200 });
      expect(uids(receiver.events())).toEqual(events.map((e) => e.uid));
      for (const kind of sentinelDataCollectorFixture.injectable) {
        receiver.failNext(kind);
        expect(await connector.send(sampleEvents(2))).toMatchObject({ kind });
        const next = sampleEvents(2);
        expect(await connector.send(next)).toMatchObject({ kind: 'success' });
        expect(uids(receiver.events()).slice(-2)).toEqual(next.map((e) => e.uid));
      }
    });
  });

  it('is refused by the egress guard without reaching the receiver, and the test result says so', async () => {
    await withLegacy(undefined, async ({ receiver, connector }) => {
      const outcome = await connector.send(sampleEvents(1));
      expect(outcome).toMatchObject({ kind: 'auth', message: expect.stringContaining('SIEM_EGRESS_ALLOW') });
      const result = await connector.test(sampleEvents(1)[0]);
      expect(result).toMatchObject({ success: false, message: expect.stringMatching(/SIEM_EGRESS_ALLOW.*Warning: Microsoft retired/) });
      expect(receiver.requestCount()).toBe(0);
    });
  });
});
