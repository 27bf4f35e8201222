import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elasticConnector } from '../../../src/connectors/elastic/index.ts';
import type { ElasticConfig } from '../../../src/connectors/elastic/config.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { startElasticMock, type ElasticMockReceiver } from './mock-receiver.ts';

const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'] });
let mock: ElasticMockReceiver;

beforeAll(async () => {
  mock = await startElasticMock({ dataStreams: ['logs-ocsf-*'] });
});
afterAll(async () => {
  await mock.close();
  await deps.close();
});

const configFor = (c: Partial<ElasticConfig> = {}): ElasticConfig => ({
  host: mock.url,
  api_key: mock.encodedApiKey,
  index: 'logs-ocsf-default',
  data_stream: true,
  timeout_ms: 2_000,
  ...c,
});

const uidsOf = (docs: Record<string, unknown>[]) => docs.map((d) => (d.metadata as { uid: string }).uid);

describe('elastic sender against the strict mock', () => {
  it.each([
    ['gzip', 'gzip'],
    ['none', undefined],
  ] as const)('delivers a batch into a data stream with compression=%s', async (compression, encoding) => {
    const events = sampleEvents(4);
    const connector = elasticConnector.create(configFor({ compression }), deps);
    expect(await connector.send(events)).toEqual({ kind: 'success', status: 200, message: '4 documents created' });
    const last = mock.requests().at(-1)!;
    expect(last.headers['content-encoding']).toBe(encoding);
    expect(last.headers['content-type']).toBe('application/x-ndjson');
    expect(last.headers.authorization).toBe(`ApiKey ${mock.encodedApiKey}`);
    expect(uidsOf(mock.events().slice(-4))).toEqual(events.map((e) => e.uid));
    expect(mock.events().at(-1)).toEqual(JSON.parse(events[3].json));
  });

  it('counts a redelivered batch as delivered (409 on create)', async () => {
    const events = sampleEvents(2);
    const connector = elasticConnector.create(configFor(), deps);
    await connector.send(events);
    expect(await connector.send(events)).toEqual({
      kind: 'success',
      status: 200,
      message: '2 documents created or already present (2 duplicates)',
    });
  });

  it('returns a partial outcome for mixed item results and delivers the retried ones later', async () => {
    const events = sampleEvents(4);
    mock.failItem(events[1].uid, 429);
    mock.failItem(events[2].uid, 400, Infinity);
    const connector = elasticConnector.create(configFor(), deps);
    const outcome = await connector.send(events);
    expect(outcome).toMatchObject({
      kind: 'partial',
      status: 200,
      retry: [1],
      rejected: [{ index: 2, reason: expect.stringMatching(/^HTTP 400: document_parsing_exception: /) }],
    });
    expect(await connector.send([events[1]])).toMatchObject({ kind: 'success' });
    expect(uidsOf(mock.events()).filter((u) => events.some((e) => e.uid === u))).toEqual([events[0].uid, events[3].uid, events[1].uid]);
  });

  it('works with basic auth and a plain index', async () => {
    const basic = await startElasticMock({ auth: 'basic' });
    try {
      const connector = elasticConnector.create({ host: basic.url, username: basic.username, password: basic.password, index: 'ocsf-events' }, deps);
      expect(await connector.send(sampleEvents(1))).toMatchObject({ kind: 'success' });
      expect(basic.requests().at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`);
      const wrong = elasticConnector.create({ host: basic.url, username: basic.username, password: 'nope' }, deps);
      expect(await wrong.send(sampleEvents(1))).toMatchObject({ kind: 'auth', status: 401, message: expect.stringContaining('security_exception') });
    } finally {
      await basic.close();
    }
  });

  it.each([
    ['retry', 'retry', 429],
    ['auth', 'auth', 401],
    ['permanent', 'permanent', 400],
    ['too-large', 'too-large', 413],
  ] as const)('maps an injected %s fault', async (fault, kind, status) => {
    mock.failNext(fault);
    expect(await elasticConnector.create(configFor(), deps).send(sampleEvents(1))).toMatchObject({ kind, status });
  });

  it('sends the pipeline and treats an item-level privilege error as auth', async () => {
    const strict = await startElasticMock({ pipelines: ['ocsf'], deniedIndices: ['secret-index'] });
    try {
      const base = { host: strict.url, api_key: strict.encodedApiKey };
      expect(await elasticConnector.create({ ...base, pipeline: 'ocsf' }, deps).send(sampleEvents(1))).toMatchObject({ kind: 'success' });
      expect(strict.requests().at(-1)!.query.get('pipeline')).toBe('ocsf');
      expect(await elasticConnector.create({ ...base, pipeline: 'missing' }, deps).send(sampleEvents(1))).toMatchObject({
        kind: 'partial',
        rejected: [{ index: 0, reason: 'HTTP 400: illegal_argument_exception: pipeline with id [missing] does not exist' }],
      });
      expect(await elasticConnector.create({ ...base, index: 'secret-index' }, deps).send(sampleEvents(2))).toMatchObject({ kind: 'auth', status: 403 });
    } finally {
      await strict.close();
    }
  });

  it('refuses an over-limit batch before sending and reports transport failures without throwing', async () => {
    const count = mock.requestCount();
    const [one] = sampleEvents(1);
    const big = { ...one, json: JSON.stringify({ ...JSON.parse(one.json), pad: 'x'.repeat(10_000_000) }) };
    expect((await elasticConnector.create(configFor(), deps).send([big])).kind).toBe('too-large');
    expect(mock.requestCount()).toBe(count);
    const guarded = createConnectorDeps();
    try {
      const outcome = await elasticConnector.create(configFor(), guarded).send([one]);
      expect(outcome.kind).toBe('auth');
      expect(outcome.message).not.toContain(mock.encodedApiKey);
    } finally {
      await guarded.close();
    }
  });

  it('dead-letters an event whose stored text is not JSON', async () => {
    const [one] = sampleEvents(1);
    expect(await elasticConnector.create(configFor(), deps).send([{ ...one, json: 'not json' }])).toMatchObject({ kind: 'permanent' });
  });
});
