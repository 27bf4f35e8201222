/** The compliance checks for every QRadar transport (the shared suite runs only the default fixture). */
import { describe, expect, it } from 'vitest';
import { qradarConnector } from '../../../src/connectors/qradar/index.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import type { Connector } from '../../../src/connectors/shared/types.ts';
import type { ComplianceFixture, MockReceiver } from '../compliance/types.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { qradarHttpReceiverFixture, qradarSyslogTcpFixture, qradarSyslogTlsFixture } from './fixture.ts';
import type { QradarMockReceiver } from './mock-receiver.ts';

const KIND = { retry: 'retry', auth: 'auth', permanent: 'permanent', 'too-large': 'too-large' } as const;
const uids = (events: Record<string, unknown>[]) => events.map((e) => (e.metadata as { uid: string }).uid);

async function withConnector(
  fixture: ComplianceFixture,
  egressAllow: string[] | undefined,
  body: (receiver: QradarMockReceiver, connector: Connector) => Promise<void>,
): Promise<void> {
  const { receiver, config } = await fixture.start({ gzip: false });
  const deps = createConnectorDeps({ egressAllow });
  const connector = qradarConnector.create(config as never, deps);
  try {
    await body(receiver as MockReceiver as QradarMockReceiver, connector);
  } finally {
    await connector.close();
    await deps.close();
    await receiver.close();
  }
}

const fixtures = { http_receiver: qradarHttpReceiverFixture, syslog_tls: qradarSyslogTlsFixture, syslog_tcp: qradarSyslogTcpFixture };

for (const [name, fixture] of Object.entries(fixtures)) {
  describe(`qradar ${name}`, () => {
    it('delivers batches in order, every line parses', async () => {
      await withConnector(fixture, ['127.0.0.1'], async (receiver, connector) => {
        const first = sampleEvents(25);
        const second = sampleEvents(5);
        expect(await connector.send(first)).toMatchObject({ kind: 'success' });
        expect(await connector.send(second)).toMatchObject({ kind: 'success' });
        expect(uids(receiver.events())).toEqual([...first, ...second].map((e) => e.uid));
        expect(receiver.errors()).toEqual([]);
      });
    });

    for (const kind of fixture.injectable) {
      it(`an injected '${kind}' is classified ${KIND[kind]}, then delivery recovers`, async () => {
        await withConnector(fixture, ['127.0.0.1'], async (receiver, connector) => {
          // A connection (where there is one) is already open: the fault must still show on this batch.
          expect((await connector.send(sampleEvents(1))).kind).toBe('success');
          receiver.failNext(kind, 1);
          const failed = await connector.send(sampleEvents(3));
          expect(failed.kind).toBe(KIND[kind]);
          expect(failed.message).toBeTruthy();
          const events = sampleEvents(3);
          expect(await connector.send(events)).toMatchObject({ kind: 'success' });
          expect(uids(receiver.events()).slice(-3)).toEqual(events.map((e) => e.uid));
        });
      });
    }

    it('refuses a loopback target the egress allow list does not cover, without connecting', async () => {
      await withConnector(fixture, undefined, async (receiver, connector) => {
        const outcome = await connector.send(sampleEvents(1));
        expect(outcome.kind).toBe('auth');
        expect(outcome.message).toContain('SIEM_EGRESS_ALLOW');
        expect(receiver.requestCount()).toBe(0);
      });
    });
  });
}
