import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import type { SplunkHecConfig } from '../../../src/connectors/splunk-hec/config.ts';
import { splunkHecConnector } from '../../../src/connectors/splunk-hec/index.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { startSplunkHecMock, type SplunkHecMock } from './mock-receiver.ts';

const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'] });
let mock: SplunkHecMock;
beforeAll(async () => {
  mock = await startSplunkHecMock({ allowedIndexes: ['main'] });
});
afterAll(async () => {
  await mock.close();
  await deps.close();
});

const connectorFor = (c: Partial<SplunkHecConfig> = {}) =>
  splunkHecConnector.create({ url: mock.url, token: mock.token, index: 'main', timeout_ms: 2_000, ...c }, deps);

describe('splunk hec connection test', () => {
  it('sends the synthetic event immediately and reports the seed’s success text', async () => {
    const [event] = sampleEvents(1);
    expect(await connectorFor().test(event)).toEqual({
      success: true,
      status: 200,
      message: 'Successfully connected to SIEM endpoint (status: 200 OK)',
      eventsSent: 1,
    });
    expect((mock.events().at(-1)!.metadata as { uid: string }).uid).toBe(event.uid);
  });

  it('does not wait for indexer acknowledgement', async () => {
    const ackMock = await startSplunkHecMock({ ack: true });
    ackMock.holdAcks(true);
    try {
      const connector = splunkHecConnector.create({ url: ackMock.url, token: ackMock.token, ack: true }, deps);
      expect(await connector.test(sampleEvents(1)[0])).toMatchObject({ success: true, status: 200 });
      await connector.close();
    } finally {
      await ackMock.close();
    }
  });

  it.each([
    [{ token: 'wrong' }, 403, 'Splunk HEC rejected the token (code 4: Invalid token, HTTP 403)'],
    [{ index: 'other' }, 400, 'Splunk HEC rejected the request (code 7: Incorrect index, HTTP 400)'],
  ])('fails with Splunk’s code, text and HTTP status for %j', async (patch, status, message) => {
    expect(await connectorFor(patch).test(sampleEvents(1)[0])).toEqual({ success: false, status, message, eventsSent: 0 });
  });

  it('reports a rejected test event with Splunk’s reason', async () => {
    const [event] = sampleEvents(1);
    expect(await connectorFor().test({ ...event, json: '""' })).toEqual({
      success: false,
      status: 400,
      message: 'Splunk HEC rejected the test event: Event field cannot be blank (code 13), HTTP 400',
      eventsSent: 0,
    });
  });

  it('reports a busy server', async () => {
    mock.failNext('retry');
    expect(await connectorFor().test(sampleEvents(1)[0])).toEqual({
      success: false,
      status: 503,
      message: 'Splunk HEC cannot take data now (code 9: Server is busy, HTTP 503)',
      eventsSent: 0,
    });
  });

  it('reports an unreachable endpoint and a refused egress without a status', async () => {
    const gone = await startSplunkHecMock();
    const url = gone.url;
    await gone.close();
    const down = await splunkHecConnector.create({ url, token: 't', timeout_ms: 1_000 }, deps).test(sampleEvents(1)[0]);
    expect(down).toMatchObject({ success: false, eventsSent: 0 });
    expect(down.status).toBeUndefined();
    expect(down.message).toContain('127.0.0.1');

    const guarded = createConnectorDeps();
    try {
      const before = mock.requests().length;
      const refused = await splunkHecConnector.create({ url: mock.url, token: mock.token }, guarded).test(sampleEvents(1)[0]);
      expect(refused).toMatchObject({ success: false, eventsSent: 0 });
      expect(refused.message).not.toContain(mock.token);
      expect(mock.requests().length).toBe(before);
    } finally {
      await guarded.close();
    }
  });
});
