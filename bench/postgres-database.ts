/**
 * A fresh PostgreSQL database per deployment (PostgreSQL mode, README "PostgreSQL mode"): created from an admin
 * URL, dropped afterwards. Also measures what the database server spent on the run: the CPU time of the server
 * processes serving this database's connections (read from /proc at the end of the run, so PostgreSQL must run
 * on this machine; connections that closed before are not counted).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { cpuTicks, TICKS_PER_SECOND } from './process-sampler.ts';

export interface BenchDatabase {
  name: string;
  /** DATABASE_URL for the service. */
  url: string;
  /** CPU seconds of the server processes currently connected to this database. */
  serverCpuSeconds(): Promise<number>;
  drop(): Promise<void>;
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `siemstream_bench_${randomBytes(4).toString('hex')}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async serverCpuSeconds() {
      const { rows } = await admin((c) => c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name]));
      const ticks = rows.reduce((n, r) => n + (cpuTicks(r.pid) ?? 0), 0);
      return ticks / TICKS_PER_SECOND;
    },
    async drop() {
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
