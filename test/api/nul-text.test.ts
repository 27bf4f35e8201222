/** NUL (U+0000) in a config string, key or name is a 422 naming the field on both stores (PostgreSQL text cannot hold it). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

describe.each(storeBackends)('NUL in config text on $name', (backend) => {
  let t: TestService;
  let auth: Record<string, string>;
  beforeAll(async () => {
    t = await startTestService(backend);
    auth = { authorization: `Bearer ${await t.token()}` };
  });
  afterAll(async () => t?.dispose());
  const post = (url: string, payload: object) => t.service.app.inject({ method: 'POST', url, headers: auth, payload });
  const configs = async () => (await t.service.app.inject({ url: '/v1/org/siem-configs', headers: auth })).json().length as number;

  it.each([
    ['name', { connector_type: 'http', name: 'a\u0000b', config: { url: 'https://c.example.com/x' } }, ['body', 'name'], 'String should not contain NUL (\\u0000)'],
    ['a secret', { connector_type: 'http', config: { url: 'https://c.example.com/x', api_key: 'k\u0000' } }, ['body', 'config', 'api_key'], 'String should not contain NUL (\\u0000)'],
    ['a plain field', { connector_type: 'splunk_hec', config: { url: 'https://s.example.com', token: 't-0123456789', index: 'i\u0000' } }, ['body', 'config', 'index'], 'String should not contain NUL (\\u0000)'],
  ])('Arbitex create with NUL in %s', async (_what, body, loc, msg) => {
    const before = await configs();
    const res = await post('/v1/org/siem-configs', body);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().detail).toContainEqual(expect.objectContaining({ loc, msg }));
    expect(await configs()).toBe(before);
  });

  it('AuthOS create with NUL in the name', async () => {
    const res = await post('/api/organizations/acme-corp/siem-configs', { name: 'x\u0000', provider_type: 'Custom', endpoint_url: 'https://c.example.com/x' });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ loc: ['body', 'name'] }));
  });
});
