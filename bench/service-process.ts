/**
 * One siemstream instance as a child process: `node bin/siemstream.js serve` (the same entry `npx siemstream`
 * uses), so the child's pid is the Node process itself and /proc sampling and --cpu-prof see the service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { stopChild, track } from './children.ts';
import { freePort } from './free-port.ts';
import { sampleProcess, type ProcessSampler } from './process-sampler.ts';

const ROOT = join(import.meta.dirname, '..');

/** Variables from the caller's environment the service must not inherit (the bench sets its own). */
const ISOLATED = ['NODE_OPTIONS', 'DATABASE_URL', 'SIEM_CONNECTORS_FILE', 'SIEM_JWKS_URL', 'SIEM_JWT_ISSUER', 'SIEM_JWT_AUDIENCE', 'PORT', 'HOST', 'SIEM_DATA_DIR'];

export interface ServiceOptions {
  name: string;
  dataDir: string;
  /** Service environment (SIEM_JWT_SECRET, SIEM_ENCRYPTION_KEYS, DATABASE_URL, …). */
  env: Record<string, string>;
  /** Write a V8 CPU profile into this directory when the service exits (node --cpu-prof). */
  cpuProfDir?: string;
  /** Node / V8 flags, before the script on the command line. */
  nodeFlags?: string[];
}

export interface ServiceInstance {
  name: string;
  pid: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  sampler: ProcessSampler;
  /** Last lines the service wrote (its log), for error reports. */
  logTail(): string;
  /** SIGTERM (graceful: drains, and lets --cpu-prof write its profile), SIGKILL after 20 s. */
  stop(): Promise<number | null>;
}

export async function startService(opts: ServiceOptions): Promise<ServiceInstance> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ISOLATED) delete env[k];
  Object.assign(env, { HOST: '127.0.0.1', PORT: String(port), SIEM_DATA_DIR: opts.dataDir, LOG_LEVEL: 'warn' }, opts.env);

  // One folder per service, V8's default file names: each thread (main, append worker) writes its own profile.
  const nodeArgs = [...(opts.nodeFlags ?? []), ...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${join(opts.cpuProfDir, opts.name)}`] : [])];
  const child = track(spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'siemstream.js'), 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  const log = createWriteStream(join(opts.dataDir, `${opts.name}.log`));
  let tail = '';
  const keep = (d: Buffer) => {
    log.write(d);
    tail = (tail + d.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.once('exit', () => log.end());

  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, () => tail);
  const sampler = sampleProcess(child.pid!);
  return {
    name: opts.name,
    pid: child.pid!,
    url,
    sampler,
    logTail: () => tail,
    async stop() {
      sampler.stop();
      return stopChild(child, 20_000);
    },
  };
}

async function waitHealthy(url: string, child: ChildProcess, tail: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`siemstream exited with code ${child.exitCode} during start-up:\n${tail()}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`siemstream did not answer /healthz within 60 s:\n${tail()}`);
}
