import { describe, expect, it } from 'vitest';
import { classifyElasticResponse, esErrorText, esResponseErrorText } from '../../../src/connectors/elastic/classify.ts';
import type { HttpResponse } from '../../../src/connectors/shared/types.ts';

const NOW = 1_700_000_000_000;

function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, statusText: '', headers, body: Buffer.from(text), text: () => text };
}

const ok = (status = 201) => ({ create: { _index: 'i', _id: 'x', result: 'created', status } });
const failed = (status: number, type: string, reason: string) => ({ create: { _index: 'i', _id: 'x', status, error: { type, reason } } });
const bulk = (...items: unknown[]) => ({ took: 3, errors: true, items });

describe('elastic classify: top level', () => {
  it.each([
    [400, 'permanent'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'permanent'],
    [408, 'retry'],
    [413, 'too-large'],
    [429, 'retry'],
    [500, 'retry'],
    [501, 'permanent'],
    [503, 'retry'],
  ])('HTTP %i → %s', (status, kind) => {
    expect(classifyElasticResponse(response(status, { error: { type: 't', reason: 'r' }, status }), 1, NOW).kind).toBe(kind);
  });

  it("reports Elasticsearch's type: reason", () => {
    const body = { error: { root_cause: [], type: 'security_exception', reason: 'missing authentication credentials for REST request [/_bulk]' }, status: 401 };
    expect(classifyElasticResponse(response(401, body), 2, NOW)).toEqual({
      kind: 'auth',
      status: 401,
      message: 'HTTP 401 Unauthorized: security_exception: missing authentication credentials for REST request [/_bulk]',
    });
    expect(esResponseErrorText('{"error":"Content-Type header [text/plain] is not supported","status":406}')).toBe(
      'Content-Type header [text/plain] is not supported',
    );
    expect(esResponseErrorText('')).toBe('');
    expect(esErrorText({ type: 'a', reason: 'b', caused_by: { type: 'c', reason: 'd' } })).toBe('a: b (caused by c: d)');
  });

  it('honours Retry-After on a top-level 429', () => {
    expect(classifyElasticResponse(response(429, '{}', { 'retry-after': '3' }), 1, NOW)).toMatchObject({ kind: 'retry', retryAfterMs: 3000 });
  });
});

describe('elastic classify: per-item results', () => {
  it('takes the errors:false fast path without reading items', () => {
    expect(classifyElasticResponse(response(200, { took: 1, errors: false, items: [] }), 3, NOW)).toEqual({
      kind: 'success',
      status: 200,
      message: '3 documents created',
    });
  });

  it('counts 409 duplicates as delivered', () => {
    const res = response(200, bulk(ok(), failed(409, 'version_conflict_engine_exception', '[x]: version conflict, document already exists'), ok(200)));
    expect(classifyElasticResponse(res, 3, NOW)).toEqual({
      kind: 'success',
      status: 200,
      message: '3 documents created or already present (1 duplicates)',
    });
  });

  it('splits a mixed 201/409/429/400/503 answer into retry and rejected indices', () => {
    const res = response(
      200,
      bulk(
        ok(),
        failed(409, 'version_conflict_engine_exception', 'exists'),
        failed(429, 'es_rejected_execution_exception', 'queue full'),
        failed(400, 'document_parsing_exception', '[1:2] failed to parse field [user]'),
        failed(503, 'unavailable_shards_exception', 'primary shard is not active'),
        failed(404, 'index_not_found_exception', 'no such index [i]'),
      ),
    );
    expect(classifyElasticResponse(res, 6, NOW)).toEqual({
      kind: 'partial',
      status: 200,
      retry: [2, 4],
      rejected: [
        { index: 3, reason: 'HTTP 400: document_parsing_exception: [1:2] failed to parse field [user]' },
        { index: 5, reason: 'HTTP 404: index_not_found_exception: no such index [i]' },
      ],
      message:
        '2 delivered (1 duplicates), 2 to retry (first: HTTP 429: es_rejected_execution_exception: queue full), 2 rejected; first rejection: HTTP 400: document_parsing_exception: [1:2] failed to parse field [user]',
    });
  });

  it('turns an all-retry answer into a plain retry', () => {
    const res = response(200, bulk(failed(429, 'es_rejected_execution_exception', 'full'), failed(503, 'unavailable_shards_exception', 'x')));
    expect(classifyElasticResponse(res, 2, NOW)).toMatchObject({ kind: 'retry', status: 200 });
  });

  it('keeps the whole batch on an item-level privilege error', () => {
    const res = response(200, bulk(ok(), failed(403, 'security_exception', 'action [indices:data/write/bulk[s]] is unauthorized')));
    expect(classifyElasticResponse(res, 2, NOW)).toEqual({
      kind: 'auth',
      status: 403,
      message: 'Elasticsearch refused document 1: HTTP 403: security_exception: action [indices:data/write/bulk[s]] is unauthorized',
    });
  });

  it('retries when the answer cannot be matched to the batch (resending is safe: create dedupes)', () => {
    expect(classifyElasticResponse(response(200, bulk(ok())), 2, NOW)).toMatchObject({ kind: 'retry', status: 200 });
    expect(classifyElasticResponse(response(200, '<html>proxy</html>'), 1, NOW)).toMatchObject({ kind: 'retry', status: 200 });
  });
});
