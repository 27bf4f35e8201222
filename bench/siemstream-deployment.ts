/**
 * A siemstream deployment under test: its instances (child processes), an org token that may publish and
 * administer, and a way to add Splunk HEC destinations pointing at the bench receiver.
 *
 * One instance on the embedded SQLite store in a fresh temp data dir, or (PostgreSQL mode) `instances` processes
 * sharing one fresh PostgreSQL database, dropped afterwards. Everything downstream takes the list of instances
 * (publish URLs round-robin, RSS per instance, CPU summed).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../src/security/jwt.ts';
import { createBenchDatabase, type BenchDatabase } from './postgres-database.ts';
import { startService, type ServiceInstance } from './service-process.ts';

export const BENCH_ORG = { id: 'org-bench', slug: 'bench' };

export interface DeploymentOptions {
  /** Names the instances' logs and CPU profiles (`siemstream-<label>-1`). */
  label: string;
  /** Keep the data dir (logs, database) after stop. */
  keep?: boolean;
  cpuProfDir?: string;
  /**
   * Node / V8 flags for the service processes' command line (e.g. `--heap-growing-percent=150`: NODE_OPTIONS
   * accepts only a few V8 flags).
   */
  nodeOptions?: string;
  /** SIEM_FLUSH_INTERVAL_MS; the service default (1000) when absent. */
  flushIntervalMs?: number;
  /** PostgreSQL mode: create the deployment's database through this admin URL (default: embedded SQLite). */
  postgresAdminUrl?: string;
  /** Instances sharing the database (PostgreSQL only; default 1). */
  instances?: number;
}

export interface SplunkDestination {
  name: string;
  hecBaseUrl: string;
  batchSize: number;
  compression: 'none' | 'gzip';
}

export interface Deployment {
  instances: ServiceInstance[];
  dataDir: string;
  /** Base URLs to publish to (one per instance). */
  publishTargets: string[];
  /** Org admin token with scope events:write. */
  token: string;
  addSplunkDestination(d: SplunkDestination): Promise<string>;
  /** Largest peak RSS of any instance, MiB. */
  peakRssMiB(): number;
  /** CPU seconds of all instances since start. */
  cpuSeconds(): number;
  /** PostgreSQL mode: CPU seconds of the database server processes serving this deployment. */
  serverCpuSeconds(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function startDeployment(opts: DeploymentOptions): Promise<Deployment> {
  const count = opts.instances ?? 1;
  if (count > 1 && !opts.postgresAdminUrl) throw new Error('several instances need the PostgreSQL store');
  const dataDir = mkdtempSync(join(tmpdir(), 'siemstream-bench-'));
  let database: BenchDatabase | undefined;
  const jwtSecret = randomBytes(48).toString('base64url');
  const env: Record<string, string> = {
    SIEM_JWT_SECRET: jwtSecret,
    SIEM_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    SIEM_EGRESS_ALLOW: '127.0.0.1',
    ...(opts.flushIntervalMs !== undefined && { SIEM_FLUSH_INTERVAL_MS: String(opts.flushIntervalMs) }),
  };
  const instances: ServiceInstance[] = [];
  try {
    if (opts.postgresAdminUrl) {
      database = await createBenchDatabase(opts.postgresAdminUrl);
      env.DATABASE_URL = database.url;
    }
    // One after the other: the first migrates, the others find the schema ready.
    for (let i = 1; i <= count; i++) instances.push(await startService({ name: `siemstream-${opts.label}-${i}`, dataDir, env, cpuProfDir: opts.cpuProfDir, nodeFlags: opts.nodeOptions?.split(/\s+/).filter(Boolean) }));
  } catch (err) {
    await Promise.all(instances.map((i) => i.stop()));
    if (!opts.keep) await database?.drop().catch(() => {});
    if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const token = await mintToken({
    secret: jwtSecret,
    orgId: BENCH_ORG.id,
    orgSlug: BENCH_ORG.slug,
    role: 'admin',
    scope: 'events:write',
    expiresInSec: 6 * 3600,
  });
  const api = instances[0]!.url;

  return {
    instances,
    dataDir,
    publishTargets: instances.map((i) => i.url),
    token,
    async addSplunkDestination(d) {
      const res = await fetch(`${api}/v1/org/siem-configs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          name: d.name,
          connector_type: 'splunk_hec',
          config: { url: d.hecBaseUrl, token: 'bench-token', compression: d.compression },
          batch_size: d.batchSize,
        }),
      });
      const text = await res.text();
      if (res.status !== 200 && res.status !== 201) throw new Error(`creating destination ${d.name}: HTTP ${res.status} ${text.slice(0, 300)}`);
      return (JSON.parse(text) as { id: string }).id;
    },
    peakRssMiB: () => Math.max(...instances.map((i) => i.sampler.peakRssMiB())),
    cpuSeconds: () => instances.reduce((n, i) => n + i.sampler.cpuSeconds(), 0),
    serverCpuSeconds: async () => database?.serverCpuSeconds(),
    async stop() {
      await Promise.all(instances.map((i) => i.stop()));
      if (!opts.keep) await database?.drop();
      if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
