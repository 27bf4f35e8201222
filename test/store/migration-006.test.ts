/**
 * Migration 006 on a database that ran 001–005 and holds a config: the connection-test columns are added empty
 * (which of a row's delivery times an earlier test wrote is unknowable), the delivery times are left as they were,
 * and the repository reads and writes the new columns.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrations } from '../../src/store/migrate.ts';
import { migrations } from '../../src/store/migrations/index.ts';
import { siemConfigRepo } from '../../src/store/repos/siem-configs.ts';
import { storeBackends, type TestStore } from '../helpers/stores.ts';

const upTo005 = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '006'));
const upTo006 = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '007'));

describe.each(storeBackends)('migration 006 on $name', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
    expect((await runMigrations(store.adapter, upTo005)).applied.at(-1)).toBe('005-tenant-keys');
  });
  afterEach(async () => store?.dispose());

  it('adds last_test_at / last_test_result, empty, and keeps the delivery times', async () => {
    const db = store.adapter.db as any;
    await db
      .insertInto('siem_configs')
      .values({
        id: 'cfg-1', org_id: 'org-a', name: 'Splunk', connector_type: 'splunk_hec', config: '{}', batch_size: 100, enabled: 1,
        filter_class_uids: null, filter_min_severity: null, delivery_status: 'healthy', failure_count: 0,
        last_delivery_at: 1000, last_successful_batch_at: 1000, last_error: null, created_at: 1, updated_at: 1, version: 1,
      })
      .execute();

    expect((await runMigrations(store.adapter, upTo006)).applied).toEqual(['006-test-results']);
    const repo = siemConfigRepo(store.adapter.db);
    expect(await repo.getById('cfg-1')).toMatchObject({ lastDeliveryAt: 1000, lastSuccessfulBatchAt: 1000, lastTestAt: null, lastTestResult: null });

    await repo.updateDeliveryState('cfg-1', { lastTestAt: 2000, lastTestResult: 'failure' });
    expect(await repo.getById('cfg-1')).toMatchObject({ lastDeliveryAt: 1000, lastTestAt: 2000, lastTestResult: 'failure' });
  });
});
