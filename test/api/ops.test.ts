import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

describe('operations endpoints', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(sqliteBackend);
  });
  afterAll(async () => t?.dispose());

  it('healthz and readyz answer without auth', async () => {
    expect((await t.service.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.service.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', store: 'sqlite' });
  });

  it('openapi.json documents every route with schemas, and /docs serves the UI', async () => {
    const spec = (await t.service.app.inject({ url: '/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    const paths = Object.keys(spec.paths);
    for (const p of [
      '/v1/org/siem-configs',
      '/v1/org/siem-configs/{config_id}',
      '/v1/org/siem-configs/{config_id}/test',
      '/v1/org/siem-configs/{config_id}/audit',
      '/api/organizations/{org_slug}/siem-configs',
      '/api/organizations/{org_slug}/siem-configs/{config_id}',
      '/api/organizations/{org_slug}/siem-configs/{config_id}/test',
      '/healthz',
      '/readyz',
    ]) {
      expect(paths, p).toContain(p);
    }
    expect(spec.paths['/v1/org/siem-configs'].post.requestBody.content['application/json'].schema.properties.connector_type).toBeDefined();
    expect(spec.paths['/v1/org/siem-configs'].post.responses['201']).toBeDefined();
    for (const type of ['splunk_hec', 'datadog', 'elastic', 'sentinel', 'sumo_logic', 'cortex_xsiam', 'qradar', 'http']) {
      expect(spec.components.schemas[`ConnectorConfig_${type}`], type).toBeDefined();
    }
    const docs = await t.service.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
