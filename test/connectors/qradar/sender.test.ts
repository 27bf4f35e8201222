import { afterAll, describe, expect, it } from 'vitest';
import { qradarConnector } from '../../../src/connectors/qradar/index.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';
import { authenticationEvent, sampleEvents, toDeliveryEvent } from '../../fixtures/events.ts';
import { startHttpReceiverMock, startSyslogMock } from './mock-receiver.ts';

const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'] });
afterAll(() => deps.close());

const uids = (events: Record<string, unknown>[]) => events.map((e) => (e.metadata as { uid: string }).uid);

describe('qradar syslog delivery', () => {
  it('TLS: keeps one connection for many batches; PRI follows each event severity', async () => {
    const mock = await startSyslogMock({ tls: true });
    const connector = qradarConnector.create({ host: '127.0.0.1', port: mock.port, verify_ssl: false }, deps);
    try {
      const events = sampleEvents(5);
      for (const e of events) expect((await connector.send([e])).kind).toBe('success');
      expect(mock.connectionCount()).toBe(1);
      expect(uids(mock.events())).toEqual(events.map((e) => e.uid));
      // sampleEvents severities 1..5 → syslog severities 6..2 under facility 13.
      expect(mock.messages().map((m) => m.pri)).toEqual([110, 109, 108, 107, 106]);
    } finally {
      await connector.close();
      await mock.close();
    }
  });

  it('TLS verification is on by default: a self-signed receiver is a config (auth) failure, nothing sent', async () => {
    const mock = await startSyslogMock({ tls: true });
    const connector = qradarConnector.create({ host: '127.0.0.1', port: mock.port }, deps);
    try {
      const outcome = await connector.send(sampleEvents(1));
      expect(outcome.kind).toBe('auth');
      expect(outcome.message).toMatch(/TLS/);
      expect(mock.lines()).toEqual([]);
    } finally {
      await connector.close();
      await mock.close();
    }
  });

  it('reconnects transparently when the receiver closed an idle connection', async () => {
    const mock = await startSyslogMock({ tls: false });
    const connector = qradarConnector.create({ host: '127.0.0.1', port: mock.port, transport: 'syslog_tcp' }, deps);
    try {
      expect((await connector.send(sampleEvents(1))).kind).toBe('success');
      mock.failNext('retry', 0); // drops open connections, refuses nothing
      const events = sampleEvents(2);
      expect(await connector.send(events)).toMatchObject({ kind: 'success' });
      expect(mock.connectionCount()).toBe(2);
      expect(uids(mock.events()).slice(-2)).toEqual(events.map((e) => e.uid));
    } finally {
      await connector.close();
      await mock.close();
    }
  });

  it('concurrent sends are written in call order on one connection', async () => {
    const mock = await startSyslogMock({ tls: true });
    const connector = qradarConnector.create({ host: '127.0.0.1', port: mock.port, verify_ssl: false }, deps);
    try {
      const batches = [sampleEvents(3), sampleEvents(2), sampleEvents(4)];
      const outcomes = await Promise.all(batches.map((b) => connector.send(b)));
      expect(outcomes.map((o) => o.kind)).toEqual(['success', 'success', 'success']);
      expect(uids(mock.events())).toEqual(batches.flat().map((e) => e.uid));
      expect(mock.connectionCount()).toBe(1);
    } finally {
      await connector.close();
      await mock.close();
    }
  });

  it('an unreachable listener is a retry; close() ends the connection and later sends are retries', async () => {
    const mock = await startSyslogMock({ tls: false });
    const port = mock.port;
    const connector = qradarConnector.create({ host: '127.0.0.1', port, transport: 'syslog_tcp', timeout_ms: 1000 }, deps);
    expect((await connector.send(sampleEvents(1))).kind).toBe('success');
    await connector.close();
    expect((await connector.send(sampleEvents(1))).kind).toBe('retry');
    await mock.close();
    const again = qradarConnector.create({ host: '127.0.0.1', port, transport: 'syslog_tcp', timeout_ms: 1000 }, deps);
    expect((await again.send(sampleEvents(1))).kind).toBe('retry');
    await again.close();
  });

  it('an event whose LEEF line exceeds 32 000 bytes makes the batch too-large, nothing is written', async () => {
    const mock = await startSyslogMock({ tls: false });
    const connector = qradarConnector.create({ host: '127.0.0.1', port: mock.port, transport: 'syslog_tcp' }, deps);
    try {
      const big: DeliveryEvent = toDeliveryEvent(authenticationEvent({ message: 'x'.repeat(32_000) }));
      const outcome = await connector.send([...sampleEvents(1), big]);
      expect(outcome).toMatchObject({ kind: 'too-large' });
      expect(outcome.message).toContain(big.uid);
      expect(mock.connectionCount()).toBe(0);
      expect(connector.limits).toEqual({ maxEventsPerRequest: 10_000, maxRequestBytes: 1_000_000, maxEventBytes: 32_000 });
    } finally {
      await connector.close();
      await mock.close();
    }
  });
});

describe('qradar HTTP Receiver delivery', () => {
  it('POSTs LEEF lines as text/plain over HTTPS; verification on by default', async () => {
    const mock = await startHttpReceiverMock();
    try {
      const events = sampleEvents(3);
      const lenient = qradarConnector.create({ host: mock.url, port: mock.port, verify_ssl: false }, deps);
      expect(await lenient.send(events)).toMatchObject({ kind: 'success', status: 200 });
      const [req] = mock.requests();
      expect(req.url).toBe('/');
      expect(req.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(req.body.toString().split('\n')).toHaveLength(4);
      expect(uids(mock.events())).toEqual(events.map((e) => e.uid));
      expect(mock.leef().map((l) => [l.vendor, l.product, l.eventId, l.attributes.cat])).toEqual(
        Array(3).fill(['Acme', 'AuthOS', '3002-1', 'Authentication']),
      );

      const strict = qradarConnector.create({ host: mock.url, port: mock.port }, deps);
      expect((await strict.send(sampleEvents(1))).kind).toBe('auth');
      expect(mock.requestCount()).toBe(1);
    } finally {
      await mock.close();
    }
  });
});
