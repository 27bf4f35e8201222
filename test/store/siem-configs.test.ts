import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { runMigrations } from '../../src/store/migrate.ts';
import { siemConfigRepo, type SiemConfigRecord } from '../../src/store/repos/siem-configs.ts';
import { auditRepo } from '../../src/store/repos/audit.ts';
import { organizationRepo } from '../../src/store/repos/organizations.ts';
import { rateLimitRepo } from '../../src/store/repos/rate-limits.ts';
import { storeBackends, type TestStore } from '../helpers/stores.ts';

function record(orgId: string, createdAt: number, overrides: Partial<SiemConfigRecord> = {}): SiemConfigRecord {
  return {
    id: randomUUID(),
    orgId,
    name: 'Splunk prod',
    connectorType: 'splunk_hec',
    config: { url: 'https://splunk.example.com:8088', token: 'enc:v1:k1:a:b:c' },
    batchSize: 100,
    enabled: true,
    filterClassUids: [3002],
    filterMinSeverity: 2,
    deliveryStatus: 'healthy',
    failureCount: 0,
    lastDeliveryAt: null,
    lastSuccessfulBatchAt: null,
    lastError: null,
    lastTestAt: null,
    lastTestResult: null,
    createdAt,
    updatedAt: createdAt,
    version: 1,
    ...overrides,
  };
}

describe.each(storeBackends)('store on $name', (backend) => {
  let store: TestStore;
  afterEach(async () => {
    await store?.dispose();
  });

  it('migrates once and is idempotent', async () => {
    store = await backend.open();
    const first = await runMigrations(store.adapter);
    expect(first.applied[0]).toBe('001-config-tables');
    const second = await runMigrations(store.adapter);
    expect(second.applied).toEqual([]);
  });

  it('stores, lists newest first, updates with version bump, scopes by org, deletes', async () => {
    store = await backend.open();
    await runMigrations(store.adapter);
    const repo = siemConfigRepo(store.adapter.db);
    const a = record('org-a', 1000);
    const b = record('org-a', 2000, { name: 'second', filterClassUids: null, filterMinSeverity: null });
    const other = record('org-b', 3000);
    await repo.insert(a);
    await repo.insert(b);
    await repo.insert(other);

    expect((await repo.listByOrg('org-a')).map((r) => r.id)).toEqual([b.id, a.id]);
    expect(await repo.get('org-a', other.id)).toBeUndefined();
    expect(await repo.get('org-a', a.id)).toEqual(a);

    const updated = await repo.update('org-a', a.id, { enabled: false, deliveryStatus: 'paused', config: { url: 'https://x' } }, 5000);
    expect(updated).toMatchObject({ enabled: false, deliveryStatus: 'paused', version: 2, updatedAt: 5000, config: { url: 'https://x' } });
    expect(await repo.update('org-b', a.id, { name: 'hijack' }, 6000)).toBeUndefined();
    expect((await repo.get('org-a', a.id))?.name).toBe('Splunk prod');

    await repo.recordFailure(a.id, { lastError: 'boom', deliveryStatus: 'degraded' });
    await repo.recordFailure(a.id, { lastError: 'boom2' });
    expect(await repo.get('org-a', a.id)).toMatchObject({ failureCount: 2, lastError: 'boom2', deliveryStatus: 'degraded', version: 2 });

    // A connection test's own columns (migration 006), apart from the delivery times.
    await repo.recordFailure(a.id, { lastError: 'refused', lastTestAt: 7000, lastTestResult: 'failure' });
    expect(await repo.get('org-a', a.id)).toMatchObject({ failureCount: 3, lastTestAt: 7000, lastTestResult: 'failure', lastDeliveryAt: null, lastSuccessfulBatchAt: null });
    await repo.updateDeliveryState(a.id, { failureCount: 0, lastTestAt: 8000, lastTestResult: 'success' });
    expect(await repo.get('org-a', a.id)).toMatchObject({ failureCount: 0, lastTestAt: 8000, lastTestResult: 'success', lastDeliveryAt: null });

    expect(await repo.delete('org-b', a.id)).toBe(false);
    expect(await repo.delete('org-a', a.id)).toBe(true);
    expect(await repo.get('org-a', a.id)).toBeUndefined();
  });

  it('keeps an audit trail and organisations, and counts rate-limit windows', async () => {
    store = await backend.open();
    await runMigrations(store.adapter);
    const audit = auditRepo(store.adapter.db);
    await audit.record({ configId: 'c1', orgId: 'o1', actor: 'u1', action: 'create', changedFields: ['name'], at: 1 });
    await audit.record({ configId: 'c1', orgId: 'o1', actor: 'u1', action: 'disable', changedFields: ['enabled'], at: 2 });
    await audit.record({ configId: 'c1', orgId: 'o2', actor: 'u9', action: 'create', changedFields: [], at: 3 });
    expect((await audit.list('o1', 'c1')).map((e) => e.action)).toEqual(['create', 'disable']);

    const orgs = organizationRepo(store.adapter.db);
    await orgs.remember('o1', 'acme', 10);
    await orgs.remember('o1', 'acme', 20);
    await orgs.remember('o1', 'acme-renamed', 30);
    expect(await orgs.get('o1')).toMatchObject({ slug: 'acme-renamed', first_seen_at: 10, updated_at: 30 });

    const limits = rateLimitRepo(store.adapter.db);
    expect((await limits.hit('k', 60_000, 60_000)).count).toBe(1);
    expect((await limits.hit('k', 60_000, 60_500)).count).toBe(2);
    expect((await limits.hit('k', 60_000, 120_000)).count).toBe(1);
  });
});

describe.runIf(storeBackends.some((b) => b.name === 'postgres'))('PostgreSQL migrations', () => {
  it('are safe when several instances start at once', async () => {
    const pgBackend = storeBackends.find((b) => b.name === 'postgres')!;
    const store = await pgBackend.open();
    try {
      const { createPostgresAdapter } = await import('../../src/store/postgres/adapter.ts');
      const others = [1, 2, 3].map(() =>
        createPostgresAdapter({ connectionString: store.databaseUrl, schema: store.schema, poolSize: 2 }),
      );
      const results = await Promise.all([store.adapter, ...others].map((a) => runMigrations(a)));
      const appliedCount = results.reduce((n, r) => n + r.applied.length, 0);
      // Every migration ran exactly once across the four racing instances.
      const { migrations } = await import('../../src/store/migrations/index.ts');
      expect(appliedCount).toBe(Object.keys(migrations).length);
      await Promise.all(others.map((a) => a.close()));
    } finally {
      await store.dispose();
    }
  });
});
