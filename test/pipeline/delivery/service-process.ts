/** The real service as a child process (`siemstream serve`), for tests that kill it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TEST_JWT_SECRET, TEST_KEYS } from '../../helpers/service.ts';

const root = join(import.meta.dirname, '..', '..', '..');

export interface ServiceProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout/stderr. */
  output(): string;
  /** Resolves with the exit code or signal name. */
  exited: Promise<number | string | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `siemstream serve` and waits until /healthz answers. */
export async function startServiceProcess(opts: { dataDir: string; port: number; env?: Record<string, string>; args?: string[] }): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(root, 'bin', 'siemstream.js'), 'serve', ...(opts.args ?? [])], {
    cwd: root,
    env: {
      ...process.env,
      SIEM_DATA_DIR: opts.dataDir,
      DATABASE_URL: '',
      HOST: '127.0.0.1',
      PORT: String(opts.port),
      SIEM_JWT_SECRET: TEST_JWT_SECRET,
      SIEM_ENCRYPTION_KEYS: TEST_KEYS,
      SIEM_EGRESS_ALLOW: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const baseUrl = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { baseUrl, child, output: () => out, exited };
}
