/**
 * Instances started at the same moment on an empty PostgreSQL database: each runs the migrations at start-up;
 * the advisory lock makes them run one after the other, so every migration is applied exactly once and every
 * instance comes up and takes part in leasing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations/index.ts';
import { postgresUrl } from '../helpers/stores.ts';
import { openCluster, type Cluster } from './cluster.ts';

describe.skipIf(!postgresUrl)('instances starting together', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await openCluster({ migrate: false });
  });
  afterAll(async () => {
    await cluster?.dispose();
  });

  it('migrate an empty database exactly once and all come up', { timeout: 60_000 }, async () => {
    const started = await cluster.startTogether(['a', 'b', 'c']);
    for (const i of started) expect((await fetch(`${i.baseUrl}/readyz`)).status).toBe(200);
    const { rows: applied } = await cluster.db.query<{ name: string }>('select name from siemstream_migrations order by name');
    expect(applied.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
    const { rows: live } = await cluster.db.query<{ n: number }>('select count(*)::int as n from instances');
    expect(live[0].n).toBe(3);
  });
});
