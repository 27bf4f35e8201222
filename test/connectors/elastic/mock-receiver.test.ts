/** The mock must be as strict as Elasticsearch (protocols.md §3.9) and still accept the official client's requests. */
import { gzipSync } from 'node:zlib';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ES_VERSION, startElasticMock, type ElasticMockReceiver } from './mock-receiver.ts';

let mock: ElasticMockReceiver;

beforeAll(async () => {
  mock = await startElasticMock({ dataStreams: ['logs-*'], maxContentLength: 64 * 1024 });
});
afterAll(async () => {
  await mock.close();
});

async function bulk(body: string | Buffer, headers: Record<string, string> = {}, path = '/_bulk') {
  const res = await fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `ApiKey ${mock.encodedApiKey}`, 'Content-Type': 'application/x-ndjson', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  return { status: res.status, product: res.headers.get('x-elastic-product'), json: text ? (JSON.parse(text) as any) : undefined };
}

const line = (o: unknown) => `${JSON.stringify(o)}\n`;

describe('elastic mock strictness', () => {
  it('accepts a valid create and answers per item, always with X-Elastic-Product', async () => {
    const r = await bulk(line({ create: { _index: 'ocsf-events', _id: 'a1' } }) + line({ x: 1 }));
    expect(r.status).toBe(200);
    expect(r.product).toBe('Elasticsearch');
    expect(r.json.errors).toBe(false);
    expect(r.json.items[0].create).toMatchObject({ _index: 'ocsf-events', _id: 'a1', status: 201, result: 'created' });
    const again = await bulk(line({ create: { _index: 'ocsf-events', _id: 'a1' } }) + line({ x: 1 }));
    expect(again.json.errors).toBe(true);
    expect(again.json.items[0].create).toMatchObject({ status: 409, error: { type: 'version_conflict_engine_exception' } });
  });

  it('requires the trailing newline and a non-empty body', async () => {
    const r = await bulk(line({ create: { _index: 'i', _id: 'n1' } }) + '{"x":1}');
    expect([r.status, r.json.error.type, r.json.error.reason]).toEqual([400, 'illegal_argument_exception', 'The bulk request must be terminated by a newline [\\n]']);
    expect((await bulk('')).json.error.type).toBe('action_request_validation_exception');
  });

  it('validates action/metadata lines and the presence of source lines', async () => {
    expect((await bulk(line({ upsert: { _index: 'i' } }) + line({}))).json.error.reason).toMatch(/expected field \[create\], \[delete\], \[index\] or \[update\]/);
    expect((await bulk(line({ create: { _index: 'i', colour: 'red' } }) + line({}))).json.error.reason).toBe(
      'Action/metadata line [1] contains an unknown parameter [colour]',
    );
    expect((await bulk('not json\n{}\n')).status).toBe(400);
    expect((await bulk(line({ create: { _id: 'x' } }) + line({}))).json.error.reason).toBe('Validation Failed: 1: index is missing;');
    expect((await bulk(line({ create: { _index: 'i', _id: 's1' } }))).json.error.reason).toBe('Validation Failed: 1: source is missing;');
    const badDoc = await bulk(line({ index: { _index: 'i', _id: 'd1' } }) + '{"x":\n');
    expect(badDoc.json.items[0].index).toMatchObject({ status: 400, error: { type: 'document_parsing_exception' } });
    const badIndex = await bulk(line({ index: { _index: 'UPPER' } }) + line({}));
    expect(badIndex.json.items[0].index.error.type).toBe('invalid_index_name_exception');
  });

  it('accepts \\r\\n line ends, the URL target, delete and update', async () => {
    const r = await bulk(`{"index":{"_id":"c1"}}\r\n{"v":1}\r\n{"update":{"_id":"c1"}}\n{"doc":{"w":2}}\n{"delete":{"_id":"nope"}}\n`, {}, '/plain-index/_bulk');
    expect(r.json.items.map((i: Record<string, { status: number }>) => Object.values(i)[0].status)).toEqual([201, 200, 404]);
  });

  it('enforces data stream rules: create only, @timestamp required', async () => {
    const r = await bulk(
      line({ index: { _index: 'logs-a', _id: 'ds1' } }) + line({ '@timestamp': '2024-06-10T12:00:00Z' }) +
        line({ create: { _index: 'logs-a', _id: 'ds2' } }) + line({ x: 1 }) +
        line({ create: { _index: 'logs-a', _id: 'ds3' } }) + line({ '@timestamp': '2024-06-10T12:00:00Z' }),
    );
    expect(r.json.items[0].index.error.reason).toBe('only write ops with an op_type of create are allowed in data streams');
    expect(r.json.items[1].create.error.reason).toBe('data stream timestamp field [@timestamp] is missing');
    expect(r.json.items[2].create.status).toBe(201);
  });

  it('checks content types and compatible-with versions on both headers', async () => {
    const body = line({ create: { _index: 'i' } }) + line({});
    expect((await bulk(body, { 'Content-Type': 'application/json' })).status).toBe(200);
    expect((await bulk(body, { 'Content-Type': 'text/plain' })).status).toBe(406);
    const compat = 'application/vnd.elasticsearch+x-ndjson; compatible-with=8';
    expect((await bulk(body, { 'Content-Type': compat, Accept: 'application/vnd.elasticsearch+json; compatible-with=8' })).status).toBe(200);
    const noAccept = await bulk(body, { 'Content-Type': compat, Accept: 'application/json' });
    expect([noAccept.status, noAccept.json.error.type]).toEqual([400, 'media_type_header_exception']);
    const nine = await bulk(body, {
      'Content-Type': 'application/vnd.elasticsearch+x-ndjson; compatible-with=9',
      Accept: 'application/vnd.elasticsearch+json; compatible-with=9',
    });
    expect([nine.status, nine.json.error.type]).toEqual([400, 'media_type_header_exception']);
  });

  it('requires credentials (401 + WWW-Authenticate), accepts gzip, refuses bodies over max_content_length', async () => {
    const res = await fetch(`${mock.url}/_bulk`, { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: '{}\n' });
    expect([res.status, res.headers.get('x-elastic-product'), res.headers.get('www-authenticate')]).toEqual([
      401,
      'Elasticsearch',
      'Basic realm="security" charset="UTF-8", ApiKey',
    ]);
    const gz = gzipSync(line({ create: { _index: 'i', _id: 'gz1' } }) + line({ z: 1 }));
    expect((await bulk(gz, { 'Content-Encoding': 'gzip' })).json.items[0].create.status).toBe(201);
    const huge = line({ create: { _index: 'i' } }) + line({ pad: 'p'.repeat(70 * 1024) });
    expect((await bulk(huge)).status).toBe(413);
    expect((await bulk(gzipSync(huge), { 'Content-Encoding': 'gzip' })).status).toBe(413);
  });

  it('injects whole-request and per-item faults', async () => {
    mock.failNext('retry');
    expect((await bulk(line({ create: { _index: 'i' } }) + line({}))).json.error.type).toBe('es_rejected_execution_exception');
    mock.failItem('f1', 503);
    const r = await bulk(line({ create: { _index: 'i', _id: 'f1' } }) + line({}) + line({ create: { _index: 'i', _id: 'f2' } }) + line({}));
    expect(r.json.items.map((i: { create: { status: number } }) => i.create.status)).toEqual([503, 201]);
  });
});

describe('elastic mock with the official @elastic/elasticsearch client', () => {
  const client = (opts: { compression?: boolean } = {}) =>
    new Client({ node: mock.url, auth: { apiKey: mock.encodedApiKey }, compression: opts.compression ?? false, maxRetries: 0 });

  it('passes the product check and reads cluster info and _authenticate', async () => {
    const es = client();
    try {
      expect((await es.info()).version.number).toBe(ES_VERSION);
      expect(await es.security.authenticate()).toMatchObject({ authentication_type: 'api_key' });
    } finally {
      await es.close();
    }
  });

  it('client.bulk (vendored compatible-with=8 media types, gzip) gets per-item results', async () => {
    const es = client({ compression: true });
    try {
      const res = await es.bulk({
        operations: [{ create: { _index: 'logs-client', _id: 'k1' } }, { '@timestamp': '2024-06-10T12:00:00Z', a: 1 }, { create: { _index: 'logs-client', _id: 'k1' } }, { '@timestamp': '2024-06-10T12:00:00Z', a: 1 }],
      });
      expect(res.items.map((i) => i.create?.status)).toEqual([201, 409]);
      const last = mock.requests().at(-1)!;
      expect(last.headers['content-type']).toBe('application/vnd.elasticsearch+x-ndjson; compatible-with=8');
      expect(last.headers['content-encoding']).toBe('gzip');
    } finally {
      await es.close();
    }
  });

  it('helpers.bulk retries the 429 items the mock injects', async () => {
    const es = client();
    try {
      mock.failItem('h2', 429);
      const docs = ['h1', 'h2', 'h3'].map((id) => ({ id, '@timestamp': '2024-06-10T12:00:00Z' }));
      const stats = await es.helpers.bulk({
        datasource: docs,
        onDocument: (doc) => ({ create: { _index: 'logs-helper', _id: doc.id } }),
        retries: 2,
        wait: 10,
        flushBytes: 1_000_000,
      });
      expect(stats).toMatchObject({ total: 3, successful: 3, failed: 0 });
      // The helper re-sent h2 alone after its 429.
      const withH2 = mock.requests().filter((r) => r.body.includes('"_id":"h2"'));
      const h2Status = (r: (typeof withH2)[number]) =>
        (r.response as { items: { create: { _id: string; status: number } }[] }).items.find((i) => i.create._id === 'h2')!.create.status;
      expect(withH2.map(h2Status)).toEqual([429, 201]);
      expect(mock.documents().filter((d) => String(d.id).startsWith('h')).map((d) => d.id)).toEqual(['h1', 'h3', 'h2']);
    } finally {
      await es.close();
    }
  });
});
