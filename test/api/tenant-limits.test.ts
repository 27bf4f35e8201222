/**
 * Budgets are per tenant: an organisation's connection tests spend its own per-minute budget only, never a
 * global connector's or another organisation's, whatever its org_id looks like.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../pipeline/delivery/collector.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { storeBackends, tempDir } from '../helpers/stores.ts';

describe.each(storeBackends)('per-tenant test budgets on $name', (backend) => {
  let t: TestService;
  let receiver: Collector;
  const dir = tempDir();
  beforeAll(async () => {
    receiver = await startCollector();
    const file = join(dir, 'connectors.json');
    writeFileSync(file, JSON.stringify({ connectors: [{ connector_id: 'shared-http', display_name: 'HTTP', connector_type: 'http', config: { url: receiver.url } }] }));
    // At the start of a one-minute window, so the budget cannot roll over mid-test.
    const base = Math.floor(Date.now() / 60_000) * 60_000 + 1_000;
    const started = Date.now();
    t = await startTestService(backend, { settings: { connectorsFile: file }, service: { now: () => base + (Date.now() - started) } });
  });
  afterAll(async () => {
    await t?.dispose();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) =>
    t.service.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined && { payload: payload as object }) });

  it("an organisation named like a global connector's budget spends only its own", async () => {
    const lookalike = await t.token({ orgId: 'global-connector:shared-http', orgSlug: 'lookalike' });
    const created = await call('POST', '/v1/org/siem-configs', lookalike, { connector_type: 'http', name: 'mine', config: { url: receiver.url } });
    expect(created.statusCode).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await call('POST', `/v1/org/siem-configs/${created.json().id}/test`, lookalike)).statusCode);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);

    // The global connector's budget is untouched, and another organisation's too.
    const platform = await t.token({ platformAdmin: true, orgId: undefined, orgSlug: undefined, role: undefined });
    const global = await call('POST', '/api/admin/siem/test/shared-http', platform);
    expect(global.statusCode).toBe(200);
    expect(global.json()).toMatchObject({ connector_id: 'shared-http', success: true });
    const other = await t.token({ orgId: 'org-other', orgSlug: 'other' });
    const otherConfig = await call('POST', '/v1/org/siem-configs', other, { connector_type: 'http', name: 'theirs', config: { url: receiver.url } });
    expect((await call('POST', `/v1/org/siem-configs/${otherConfig.json().id}/test`, other)).statusCode).toBe(200);
  });
});
