/**
 * The official splunk-logging client against the mock: a real client's requests (form-urlencoded Content-Type,
 * /services/collector/event/1.0, string `time`, batched concatenated envelopes) must be accepted.
 */
import splunkLogging from 'splunk-logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSplunkHecMock, type SplunkHecMock } from './mock-receiver.ts';

let mock: SplunkHecMock;
beforeAll(async () => {
  mock = await startSplunkHecMock();
});
afterAll(async () => {
  await mock.close();
});

function flush(logger: InstanceType<typeof splunkLogging.Logger>): Promise<{ err: Error | null; status?: number; body: unknown }> {
  return new Promise((resolve) => logger.flush((err, resp, body) => resolve({ err, status: resp?.statusCode, body })));
}

function loggerFor(m: SplunkHecMock, token: string) {
  // maxBatchCount 0: queue until flush(); the client's own error callback would print to the console.
  const logger = new splunkLogging.Logger({ token, url: m.url, maxBatchCount: 0 });
  const errors: Error[] = [];
  logger.error = (err) => errors.push(err);
  return { logger, errors };
}

describe('splunk-logging (official client) against the mock', () => {
  it('delivers a batch, which the mock decodes', async () => {
    const { logger, errors } = loggerFor(mock, mock.token);
    logger.send({ message: { user: 'alice' }, severity: 'info', metadata: { source: 'authos', sourcetype: 'ocsf', index: 'main', time: 1718020800123 } });
    logger.send({ message: { user: 'bob' } });
    const res = await flush(logger);

    expect(res).toEqual({ err: null, status: 200, body: { text: 'Success', code: 0 } });
    expect(errors).toEqual([]);
    const req = mock.requests().at(-1)!;
    expect(req.path).toBe('/services/collector/event/1.0');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    // One request holding both envelopes back to back (`queue.join("")`).
    expect(req.body).toMatch(/^\{.*"alice".*\}\{.*"bob".*\}$/);
    expect(mock.events().slice(-2)).toEqual([
      { message: { user: 'alice' }, severity: 'info' },
      { message: { user: 'bob' }, severity: 'info' },
    ]);
    const [first] = mock.envelopes().slice(-2);
    expect(first).toMatchObject({ time: '1718020800.123', source: 'authos', sourcetype: 'ocsf', index: 'main' });
  });

  it('gets Splunk’s code 4 for a wrong token, which the client reports as an error', async () => {
    const { logger, errors } = loggerFor(mock, 'wrong-token');
    logger.send({ message: 'x' });
    const res = await flush(logger);
    expect(res).toMatchObject({ err: null, status: 403, body: { text: 'Invalid token', code: 4 } });
    expect(errors.map((e) => e.message)).toEqual(['Invalid token']);
  });

  it('gets code 10 from an ack-enabled token, since the client sends no channel', async () => {
    const ackMock = await startSplunkHecMock({ ack: true });
    try {
      const { logger } = loggerFor(ackMock, ackMock.token);
      logger.send({ message: 'x' });
      expect(await flush(logger)).toMatchObject({ status: 400, body: { text: 'Data channel is missing', code: 10 } });
      expect(ackMock.events()).toEqual([]);
    } finally {
      await ackMock.close();
    }
  });
});
