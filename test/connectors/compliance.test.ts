/**
 * The shared compliance suite: every connector, against its own strict mock receiver (test/connectors/<folder>/
 * fixture.ts), must deliver in order, classify each injectable failure, encode purely and respect the egress guard.
 * A folder without a fixture yet is reported as a skipped suite, not a failure.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createConnectorDeps } from '../../src/connectors/shared/deps.ts';
import type { Connector, ConnectorDefinition, ConnectorType, DeliveryEvent, OutcomeKind } from '../../src/connectors/shared/types.ts';
import type { ComplianceFixture, MockReceiver } from './compliance/types.ts';
import { sampleEvents } from '../fixtures/events.ts';

const FOLDERS = ['splunk-hec', 'datadog', 'elastic', 'sentinel', 'sumo-logic', 'cortex-xsiam', 'qradar', 'http'] as const;
const LOOPBACK = ['127.0.0.0/8', '::1', 'localhost'];

/** Fixture modules name their export freely (`datadogFixture`, default, …): take the one shaped like a fixture. */
function findFixture(mod: Record<string, unknown>): ComplianceFixture | undefined {
  const isFixture = (v: unknown): v is ComplianceFixture =>
    typeof v === 'object' && v !== null && typeof (v as ComplianceFixture).start === 'function' && 'type' in v;
  return [mod.default, ...Object.values(mod)].find(isFixture);
}

/** A missing fixture file is skipped (its engineer is still writing it); one that exists but breaks fails. */
async function loadFixture(folder: string): Promise<ComplianceFixture | { missing: string } | { broken: Error }> {
  if (!existsSync(new URL(`./${folder}/fixture.ts`, import.meta.url))) {
    return { missing: `no test/connectors/${folder}/fixture.ts yet` };
  }
  try {
    const mod = (await import(`./${folder}/fixture.ts`)) as Record<string, unknown>;
    return findFixture(mod) ?? { broken: new Error(`test/connectors/${folder}/fixture.ts exports no ComplianceFixture`) };
  } catch (err) {
    return { broken: err as Error };
  }
}

/** The catalog is the source of truth; while another connector's folder is still missing, fall back to the folder. */
async function loadDefinition(type: ConnectorType, folder: string): Promise<ConnectorDefinition<any>> {
  try {
    const { connectorCatalog } = await import('../../src/connectors/catalog.ts');
    return connectorCatalog[type];
  } catch {
    const mod = (await import(`../../src/connectors/${folder}/index.ts`)) as Record<string, unknown>;
    const def = Object.values(mod).find((v) => (v as ConnectorDefinition | undefined)?.type === type);
    if (!def) throw new Error(`src/connectors/${folder}/index.ts exports no definition of type ${type}`);
    return def as ConnectorDefinition<any>;
  }
}

interface Harness {
  receiver: MockReceiver;
  connector: Connector;
  config: Record<string, unknown>;
}

/** Starts a receiver + connector, runs `body`, and always closes both. */
async function withConnector(
  fixture: ComplianceFixture,
  definition: ConnectorDefinition<any>,
  opts: { gzip: boolean; egressAllow?: string[]; now?: () => number },
  body: (h: Harness) => Promise<void>,
): Promise<void> {
  const { receiver, config } = await fixture.start({ gzip: opts.gzip });
  const deps = createConnectorDeps({ egressAllow: opts.egressAllow, now: opts.now });
  let connector: Connector | undefined;
  try {
    connector = definition.create(config, deps);
    await body({ receiver, connector, config });
  } finally {
    await connector?.close();
    await deps.close();
    await receiver.close();
  }
}

const uidsOf = (events: Record<string, unknown>[]) => events.map((e) => (e.metadata as { uid?: unknown } | undefined)?.uid);

const EXPECTED_KIND: Record<ComplianceFixture['injectable'][number], OutcomeKind> = {
  retry: 'retry',
  auth: 'auth',
  permanent: 'permanent',
  'too-large': 'too-large',
};

for (const folder of FOLDERS) {
  const fixture = await loadFixture(folder);
  if ('missing' in fixture) {
    describe.skip(`compliance: ${folder} — SKIPPED: ${fixture.missing}`, () => {
      it('has a fixture', () => {});
    });
    continue;
  }
  if ('broken' in fixture) {
    describe(`compliance: ${folder}`, () => {
      it('loads its fixture', () => {
        throw fixture.broken;
      });
    });
    continue;
  }
  const definition = await loadDefinition(fixture.type, folder);
  const gzipModes = fixture.supportsGzip ? [false, true] : [false];

  describe(`compliance: ${fixture.type}`, () => {
    for (const gzip of gzipModes) {
      const mode = fixture.supportsGzip ? (gzip ? ' (gzip)' : ' (no gzip)') : '';

      it(`delivers 25 events in order${mode}`, async () => {
        await withConnector(fixture, definition, { gzip, egressAllow: LOOPBACK }, async ({ receiver, connector }) => {
          const events = sampleEvents(25);
          const outcome = await connector.send(events);
          expect(outcome, JSON.stringify(outcome)).toMatchObject({ kind: 'success' });
          expect(uidsOf(receiver.events())).toEqual(events.map((e) => e.uid));
        });
      });

      it(`encode() is pure and accounts for every event${mode}`, async () => {
        const frozen = Date.now();
        await withConnector(fixture, definition, { gzip, egressAllow: LOOPBACK, now: () => frozen }, async ({ receiver, connector }) => {
          const events = sampleEvents(10);
          const snapshot = structuredClone(events);
          const first = connector.encode(events);
          const second = connector.encode(events);
          expect(events).toEqual(snapshot);
          expect(first.reduce((n, r) => n + r.eventCount, 0)).toBe(events.length);
          expect(second).toHaveLength(first.length);
          const volatile = new Set((fixture.volatileHeaders ?? []).map((h) => h.toLowerCase()));
          const stable = (headers: Record<string, string>) =>
            Object.fromEntries(Object.entries(headers).filter(([k]) => !volatile.has(k.toLowerCase())));
          first.forEach((req, i) => {
            const again = second[i];
            expect(again.url).toBe(req.url);
            expect(again.method).toBe(req.method);
            expect(again.gzip).toBe(req.gzip);
            expect(stable(again.headers)).toEqual(stable(req.headers));
            expect(again.body.equals(req.body), 'bodies differ between two encode() calls').toBe(true);
          });
          expect(receiver.requestCount()).toBe(0);
        });
      });

      for (const kind of fixture.injectable) {
        it(`classifies an injected '${kind}' answer as ${EXPECTED_KIND[kind]} and recovers${mode}`, async () => {
          await withConnector(fixture, definition, { gzip, egressAllow: LOOPBACK }, async ({ receiver, connector }) => {
            receiver.failNext(kind, 1);
            const failed = await connector.send(sampleEvents(3));
            expect(failed, JSON.stringify(failed)).toMatchObject({ kind: EXPECTED_KIND[kind] });
            if (failed.kind !== 'success' && failed.kind !== 'partial') expect(failed.message).toBeTruthy();
            const events = sampleEvents(3);
            expect((await connector.send(events)).kind).toBe('success');
            expect(uidsOf(receiver.events()).slice(-3)).toEqual(events.map((e) => e.uid));
          });
        });
      }
    }

    it('refuses an egress target that is not allowed (auth) without reaching the receiver', async () => {
      await withConnector(fixture, definition, { gzip: false }, async ({ receiver, connector }) => {
        const outcome = await connector.send(sampleEvents(2));
        expect(outcome, JSON.stringify(outcome)).toMatchObject({ kind: 'auth' });
        if (outcome.kind === 'auth') expect(outcome.message).toContain('SIEM_EGRESS_ALLOW');
        const [probe] = sampleEvents(1) as DeliveryEvent[];
        const result = await connector.test(probe);
        expect(result.success).toBe(false);
        expect(result.message).toContain('SIEM_EGRESS_ALLOW');
        expect(receiver.requestCount()).toBe(0);
        expect(receiver.events()).toEqual([]);
      });
    });
  });
}
