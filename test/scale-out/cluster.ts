/**
 * Several real siemstream processes (`node bin/siemstream.js serve --role …`) on one PostgreSQL database created
 * for the test (the service has no schema setting, and a database of its own also keeps its NOTIFY channel and
 * advisory locks private). The test migrates it first, so it can add auditing triggers before any instance runs;
 * `dispose` kills every process and drops the database.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { mintToken } from '../../src/security/jwt.ts';
import { runMigrations } from '../../src/store/migrate.ts';
import { createPostgresAdapter } from '../../src/store/postgres/adapter.ts';
import { freePort, startServiceProcess, type ServiceProcess } from '../pipeline/delivery/service-process.ts';
import { TEST_JWT_SECRET } from '../helpers/service.ts';
import { postgresUrl, tempDir } from '../helpers/stores.ts';

export type Role = 'all' | 'api' | 'worker';

export interface ClusterInstance extends ServiceProcess {
  name: string;
  role: Role;
  /** Its id in the instances / destination_leases tables (undefined for role api: it takes no leases). */
  instanceId: string | undefined;
}

export interface Cluster {
  /** DATABASE_URL of the test's database. */
  databaseUrl: string;
  /** A pool on it for the test's own queries. */
  db: pg.Pool;
  instances: ClusterInstance[];
  start(name: string, opts?: { role?: Role; env?: Record<string, string> }): Promise<ClusterInstance>;
  /** Starts several instances at the same moment (their instance ids are not identified). */
  startTogether(names: string[], opts?: { role?: Role; env?: Record<string, string> }): Promise<ClusterInstance[]>;
  /** An organisation admin token (scope events:write too). */
  token(org: { id: string; slug: string }): Promise<string>;
  dispose(): Promise<void>;
}

/** Environment every instance gets (tests add their own). */
const BASE_ENV = { SIEM_DB_POOL_SIZE: '6', SIEM_FLUSH_INTERVAL_MS: '200', LOG_LEVEL: 'warn' };

/** `migrate: false` leaves the database empty: the instances migrate it themselves at start-up. */
export async function openCluster(opts: { migrate?: boolean } = {}): Promise<Cluster> {
  if (!postgresUrl) throw new Error('SIEM_TEST_DATABASE_URL not set');
  const name = `siemstream_scale_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();

  const adapter = createPostgresAdapter({ connectionString: databaseUrl, poolSize: 4 });
  if (opts.migrate !== false) await runMigrations(adapter);
  const dataDirs: string[] = [];
  const instances: ClusterInstance[] = [];

  const instanceIds = async () => new Set((await adapter.pool.query<{ id: string }>('select id from instances')).rows.map((r) => r.id));
  const spawnInstance = async (instanceName: string, role: Role, env: Record<string, string> = {}) => {
    const dataDir = tempDir(`siemstream-${instanceName}-`);
    dataDirs.push(dataDir);
    return startServiceProcess({ dataDir, port: await freePort(), env: { ...BASE_ENV, DATABASE_URL: databaseUrl, ...env }, args: ['--role', role] });
  };

  return {
    databaseUrl,
    db: adapter.pool,
    instances,
    async start(instanceName, opts = {}) {
      const role = opts.role ?? 'all';
      const before = await instanceIds();
      const proc = await spawnInstance(instanceName, role, opts.env);
      // A delivering instance registered itself before it started listening.
      const added = [...(await instanceIds())].filter((id) => !before.has(id));
      const instance: ClusterInstance = Object.assign(proc, { name: instanceName, role, instanceId: added[0] });
      instances.push(instance);
      if (role !== 'api' && added.length !== 1) throw new Error(`${instanceName}: expected one new instance row, found ${added.length}`);
      return instance;
    },
    async startTogether(names, opts = {}) {
      const role = opts.role ?? 'all';
      const started = await Promise.allSettled(names.map((n) => spawnInstance(n, role, opts.env)));
      const ok = started.flatMap((r, i) => (r.status === 'fulfilled' ? [Object.assign(r.value, { name: names[i], role, instanceId: undefined })] : []));
      instances.push(...ok);
      const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return ok;
    },
    token: (org) =>
      mintToken({ secret: TEST_JWT_SECRET, sub: 'scale-admin', orgId: org.id, orgSlug: org.slug, role: 'admin', scope: 'events:write', expiresInSec: 3600 }),
    async dispose() {
      for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
      await Promise.all(instances.map((i) => i.exited));
      await adapter.close().catch(() => {});
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
      for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
