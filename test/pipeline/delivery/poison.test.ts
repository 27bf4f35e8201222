/**
 * Required test 5: one event the SIEM rejects permanently (an Elasticsearch bulk item answering 400) is
 * dead-lettered with the reason while the rest of its batch is delivered; after the fix, replaying the dead
 * letter delivers it and marks it replayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startElasticMock, type ElasticMockReceiver } from '../../connectors/elastic/mock-receiver.ts';
import { authEvents, eventually, startDeliveryHarness, type DeliveryHarness } from './harness.ts';

describe('poison event', () => {
  let h: DeliveryHarness;
  let es: ElasticMockReceiver;

  beforeAll(async () => {
    h = await startDeliveryHarness();
    es = await startElasticMock();
  });
  afterAll(async () => {
    await h?.dispose();
    await es?.close();
  });

  const docIds = () => es.documents().map((d) => (d.metadata as { uid: string }).uid);

  it('dead-letters the rejected item with its reason, delivers the rest, and replays it after the fix', async () => {
    const id = await h.createConfig({ connector_type: 'elastic', config: { host: es.url, api_key: es.encodedApiKey, index: 'ocsf-events' }, batch_size: 25 });
    const events = authEvents(20);
    const poison = events[7].metadata.uid;
    // The mapping conflict is "fixed" after one rejection: the next action on this _id is accepted.
    es.failItem(poison, 400, 1);
    await h.publish(events);

    await eventually(async () => (await h.api('GET', `/v1/org/siem-configs/${id}/dead-letters`)).json.total === 1, 'one dead letter');
    expect(new Set(docIds())).toEqual(new Set(events.filter((e) => e.metadata.uid !== poison).map((e) => e.metadata.uid)));
    const page = (await h.api('GET', `/v1/org/siem-configs/${id}/dead-letters`)).json;
    const dead = page.items[0];
    expect(dead).toMatchObject({ event_uid: poison, status_code: 200, attempts: 1, replayed_at: null, replay_requested_at: null });
    expect(dead.reason).toMatch(/^rejected by the SIEM: .*document_parsing_exception/);
    expect(dead.response_text).toMatch(/failed to parse field/);
    expect(dead.event.metadata.uid).toBe(poison);
    expect(es.requests().filter((r) => r.path.endsWith('_bulk'))).toHaveLength(1);

    const replay = await h.api('POST', `/v1/org/siem-configs/${id}/dead-letters/replay`, {});
    expect(replay).toEqual({ status: 202, json: { config_id: id, requested: 1 } });
    await eventually(() => docIds().includes(poison), 'the poison event delivered on replay', 5000);
    await eventually(async () => (await h.api('GET', `/v1/org/siem-configs/${id}/dead-letters?state=replayed`)).json.total === 1, 'marked replayed');
    expect((await h.api('GET', `/v1/org/siem-configs/${id}/dead-letters?state=pending`)).json.total).toBe(0);
    expect(docIds().filter((u) => u === poison)).toHaveLength(1);

    await eventually(async () => (await h.api('GET', `/v1/org/siem-configs/${id}/stats`)).json.events_delivered === 20, 'stats');
    const stats = (await h.api('GET', `/v1/org/siem-configs/${id}/stats`)).json;
    expect(stats).toMatchObject({ events_delivered: 20, events_dead_lettered: 1, dead_letters_pending: 0, backlog_events: 0, delivery_status: 'healthy' });

    const purged = await h.api('DELETE', `/v1/org/siem-configs/${id}/dead-letters`);
    expect(purged).toEqual({ status: 200, json: { config_id: id, deleted: 1 } });
    expect((await h.api('GET', `/v1/org/siem-configs/${id}/dead-letters`)).json.total).toBe(0);
  });
});
