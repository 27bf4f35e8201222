/**
 * A destination that rejects every event (a wrong index, a schema mismatch: 400 to everything) is failing, even
 * though each rejected event is settled by dead-lettering it: a run of batches rejected whole turns it degraded,
 * then error, with the SIEM's reason in last_error; the next delivery makes it healthy again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECTED_BATCHES_UNTIL } from '../../../src/pipeline/delivery/destination-health.ts';
import { startCollector, type Collector } from './collector.ts';
import { authEvents, eventually, httpConfig, startDeliveryHarness, type DeliveryHarness } from './harness.ts';

describe('batches the SIEM rejects whole', () => {
  let h: DeliveryHarness;
  let collector: Collector;

  beforeAll(async () => {
    h = await startDeliveryHarness();
    collector = await startCollector();
  });
  afterAll(async () => {
    await h?.dispose();
    await collector?.close();
  });

  /** Publishes one event and waits until its batch was answered and the health written. */
  async function sendOne(id: string, expectedFailures: number): Promise<Record<string, any>> {
    const before = collector.requests().length;
    await h.publish(authEvents(1));
    await eventually(() => collector.requests().length > before && collector.requests().at(-1)!.status !== 0, 'the batch answered');
    await eventually(async () => (await h.getConfig(id)).failure_count === expectedFailures, `failure_count ${expectedFailures}`);
    return h.getConfig(id);
  }

  it('turns degraded, then error, with the reason; a delivery makes it healthy again', async () => {
    collector.respond = () => ({ status: 400, body: '{"error":"index [ocsf] does not exist"}' });
    const id = await h.createConfig({ connector_type: 'http', config: httpConfig(collector.url), batch_size: 1 });

    const first = await sendOne(id, 1);
    expect(first).toMatchObject({ delivery_status: 'healthy', failure_count: 1 });
    expect(first.last_error).toBe('rejected by the SIEM (400): HTTP 400 Bad Request: {"error":"index [ocsf] does not exist"}');
    expect(first.last_successful_batch_at).toBeNull();

    for (let n = 2; n < REJECTED_BATCHES_UNTIL.degraded; n++) expect((await sendOne(id, n)).delivery_status).toBe('healthy');
    const degraded = await sendOne(id, REJECTED_BATCHES_UNTIL.degraded);
    expect(degraded.delivery_status).toBe('degraded');
    expect(degraded.last_error).toBe(
      `${REJECTED_BATCHES_UNTIL.degraded} batches in a row rejected by the SIEM (every event dead-lettered); last: rejected by the SIEM (400): HTTP 400 Bad Request: {"error":"index [ocsf] does not exist"}`,
    );

    for (let n = REJECTED_BATCHES_UNTIL.degraded + 1; n < REJECTED_BATCHES_UNTIL.error; n++) expect((await sendOne(id, n)).delivery_status).toBe('degraded');
    const failed = await sendOne(id, REJECTED_BATCHES_UNTIL.error);
    expect(failed).toMatchObject({ delivery_status: 'error', failure_count: REJECTED_BATCHES_UNTIL.error });
    expect(failed.last_error).toMatch(/^10 batches in a row rejected by the SIEM .*index \[ocsf\] does not exist/);

    const stats = (await h.api('GET', `/v1/org/siem-configs/${id}/stats`)).json;
    expect(stats).toMatchObject({ delivery_status: 'error', events_dead_lettered: REJECTED_BATCHES_UNTIL.error, events_delivered: 0 });
    expect((await h.api('GET', `/v1/org/siem-configs/${id}/dead-letters`)).json.total).toBe(REJECTED_BATCHES_UNTIL.error);

    // The index is fixed: the next batch is delivered.
    collector.respond = undefined;
    const recovered = await sendOne(id, 0);
    expect(recovered).toMatchObject({ delivery_status: 'healthy', failure_count: 0, last_error: null });
    expect(recovered.last_successful_batch_at).not.toBeNull();
    expect((await h.api('DELETE', `/v1/org/siem-configs/${id}`)).status).toBe(204);
  }, 60_000);

  it('failed connection tests and failed deliveries add up in failure_count (neither overwrites the other)', async () => {
    collector.respond = () => ({ status: 400, body: '{"error":"unknown field"}' });
    const id = await h.createConfig({ connector_type: 'http', config: httpConfig(collector.url), batch_size: 1 });
    await sendOne(id, 1); // the worker counts one failure...
    const tested = await h.api('POST', `/v1/org/siem-configs/${id}/test`);
    expect(tested.json).toMatchObject({ success: false });
    expect((await h.getConfig(id)).failure_count).toBe(2); // ...a test one more...
    expect((await sendOne(id, 3)).failure_count).toBe(3); // ...and the worker's next one is the third, not its second
    collector.respond = undefined;
    await sendOne(id, 0);
    expect((await h.api('DELETE', `/v1/org/siem-configs/${id}`)).status).toBe(204);
  }, 30_000);

  it('a rejection run is ended by a delivery: alternating rejections never degrade', async () => {
    let reject = true;
    collector.respond = () => (reject ? { status: 422, body: '{"error":"schema mismatch"}' } : undefined);
    const id = await h.createConfig({ connector_type: 'http', config: httpConfig(collector.url), batch_size: 1 });
    for (let i = 0; i < REJECTED_BATCHES_UNTIL.degraded + 1; i++) {
      reject = true;
      expect((await sendOne(id, 1)).delivery_status).toBe('healthy');
      reject = false;
      expect((await sendOne(id, 0)).delivery_status).toBe('healthy');
    }
    collector.respond = undefined;
  }, 60_000);
});
