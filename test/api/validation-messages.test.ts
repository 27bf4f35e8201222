/** Validation errors over HTTP name the field and the rule that failed, in `detail` and in the message. */
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

describe('validation messages', () => {
  let t: TestService;
  let auth: Record<string, string>;
  let id: string;
  beforeAll(async () => {
    t = await startTestService(sqliteBackend);
    auth = { authorization: `Bearer ${await t.token()}` };
    id = (await call('POST', '/v1/org/siem-configs', { connector_type: 'http', is_enabled: false, config: { url: 'https://collector.example.com/in' } })).json().id;
  });
  afterAll(async () => t?.dispose());

  const call = (method: InjectOptions['method'], url: string, payload?: unknown) =>
    t.service.app.inject({ method, url, headers: auth, ...(payload !== undefined && { payload: payload as object }) });
  const arbitex = async (method: InjectOptions['method'], url: string, payload: unknown) => {
    const res = await call(method, url, payload);
    expect(res.statusCode, res.body).toBe(422);
    return res.json().detail as { loc: (string | number)[]; msg: string; type: string }[];
  };

  it.each([
    ['minimum', { batch_size: 0 }, ['body', 'batch_size'], 'Input should be >= 1 (or null)'],
    ['maximum', { batch_size: 10_001 }, ['body', 'batch_size'], 'Input should be <= 10000 (or null)'],
    ['minLength', { name: '' }, ['body', 'name'], 'String should not be empty (or null)'],
    ['maxLength', { name: 'n'.repeat(201) }, ['body', 'name'], 'String should have at most 200 characters (or null)'],
    ['type', { is_enabled: 'yes' }, ['body', 'is_enabled'], 'Input should be a valid boolean (or null)'],
    ['additionalProperties', { colour: 'red' }, ['body', 'colour'], 'Extra inputs are not permitted'],
    ['nested maximum', { filters: { min_severity_id: 100 } }, ['body', 'filters', 'min_severity_id'], 'Input should be <= 99 (or null)'],
    ['uniqueItems', { filters: { class_uids: [3002, 3002] } }, ['body', 'filters', 'class_uids'], 'List items should be unique (items 0 and 1 are equal) (or null)'],
  ])('Arbitex PUT, %s', async (_name, payload, loc, msg) => {
    expect(await arbitex('PUT', `/v1/org/siem-configs/${id}`, payload)).toEqual([expect.objectContaining({ loc, msg })]);
  });

  it('required, format and connector rules (enum, pattern) on create', async () => {
    expect(await arbitex('POST', '/v1/org/siem-configs', { config: {} })).toContainEqual({ loc: ['body', 'connector_type'], msg: 'Field required', type: 'missing' });
    const detail = await arbitex('POST', '/v1/org/siem-configs', { connector_type: 'http', config: { url: 'ftp://x', compression: 'zip' } });
    expect(detail).toContainEqual(expect.objectContaining({ loc: ['body', 'config', 'url'], msg: 'Input should be an absolute http:// or https:// URL' }));
    expect(detail).toContainEqual(expect.objectContaining({ loc: ['body', 'config', 'compression'], msg: 'Input should be one of: none, gzip' }));
  });

  it('path and body formats, lists and anyOf bodies of the delivery routes', async () => {
    expect(await arbitex('GET', '/v1/org/siem-configs/not-a-uuid', undefined)).toEqual([{ loc: ['path', 'config_id'], msg: 'Input should be a valid UUID', type: 'value_error' }]);
    expect(await arbitex('POST', `/v1/org/siem-configs/${id}/replay`, { from: 'yesterday', to: new Date().toISOString() })).toEqual([
      expect.objectContaining({ loc: ['body', 'from'], msg: 'Input should be a valid date-time (RFC 3339, e.g. 2026-01-31T12:00:00Z)' }),
    ]);
    const replay = `/v1/org/siem-configs/${id}/dead-letters/replay`;
    expect(await arbitex('POST', replay, { ids: [] })).toEqual([expect.objectContaining({ loc: ['body', 'ids'], msg: 'List should have at least 1 item' })]);
    expect(await arbitex('POST', replay, { ids: 'all' })).toEqual([expect.objectContaining({ loc: ['body', 'ids'], msg: 'Input should be a valid array' })]);
    const dup = randomUUID();
    expect(await arbitex('POST', replay, { ids: [dup, dup] })).toEqual([expect.objectContaining({ loc: ['body', 'ids'], msg: 'List items should be unique (items 0 and 1 are equal)' })]);
    expect(await arbitex('POST', replay, { ids: ['x'] })).toEqual([expect.objectContaining({ loc: ['body', 'ids', 0], msg: 'Input should be a valid UUID' })]);
    expect(await arbitex('POST', replay, [])).toEqual([expect.objectContaining({ loc: ['body'], msg: 'Input should be a valid object (or null)' })]);
  });

  it('query parameters: the message names the parameter and the bound', async () => {
    const res = await call('GET', `/v1/org/siem-configs/${id}/dead-letters?limit=501&state=x`);
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toEqual([
      { loc: ['query', 'limit'], msg: 'Input should be <= 500', type: 'less_than_equal' },
      { loc: ['query', 'state'], msg: 'Input should be one of: all, pending, replaying, replayed', type: 'enum' },
    ]);
  });

  it('AuthOS surface: the same rules in its error shape, the message naming field and rule', async () => {
    const res = await call('POST', '/api/organizations/acme-corp/siem-configs', { name: '', provider_type: 'Custom', endpoint_url: 'https://c.example.com/x', batch_size: 0 });
    expect(res.statusCode).toBe(422);
    const error = res.json().error;
    expect(error.code).toBe('SIEM_ERR_VALIDATION');
    expect(error.message).toBe('name: String should not be empty; batch_size: Input should be >= 1');
    expect(error.details).toEqual([
      { loc: ['body', 'name'], msg: 'String should not be empty', type: 'string_too_short' },
      { loc: ['body', 'batch_size'], msg: 'Input should be >= 1', type: 'greater_than_equal' },
    ]);
  });
});
