/**
 * The peer: syslog-ng (Debian `syslog-ng-core` + `syslog-ng-mod-http`) relaying the same events to the same HEC
 * receiver through its `http()` destination, with a RELIABLE disk buffer. Installed with apt when missing.
 *
 * Pipeline: network() TCP source, one event per line, `flags(no-parse)` so the line (the event JSON) is $MSG
 * untouched → log path with flow-control (a full buffer pauses the source instead of dropping) → http() with a
 * Splunk HEC envelope template, batches of `batchLines` joined by "\n" (HEC concatenated envelopes), `workers`
 * parallel connections, disk-buffer(reliable(yes)). See bench/README.md for the fairness notes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { stopChild, track } from './children.ts';
import { freePort } from './free-port.ts';
import { sampleProcess, type ProcessSampler } from './process-sampler.ts';

const PACKAGES = ['syslog-ng-core', 'syslog-ng-mod-http'];

export type Availability = { ok: true; version: string } | { ok: false; reason: string };

/** Checks for syslog-ng with the http module; installs the Debian packages when allowed and missing. */
export function ensureSyslogNg(allowInstall: boolean): Availability {
  const found = probe();
  if (found.ok || !allowInstall) return found;
  if (process.getuid?.() !== 0) return { ok: false, reason: `${found.reason}; not root, so not running apt-get install ${PACKAGES.join(' ')}` };
  console.log(`bench: installing ${PACKAGES.join(' ')} with apt-get (${found.reason}) …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { env, encoding: 'utf8', timeout: 300_000 });
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES], { env, encoding: 'utf8', timeout: 600_000 })
      : update;
  if (install.status !== 0) {
    const why = (install.stderr || install.error?.message || `exit ${install.status}`).trim().split('\n').slice(-2).join(' ');
    return { ok: false, reason: `apt-get failed: ${why}` };
  }
  return probe();
}

function probe(): Availability {
  const version = spawnSync('syslog-ng', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return { ok: false, reason: 'syslog-ng is not installed' };
  const modules = spawnSync('syslog-ng', ['--module-registry'], { encoding: 'utf8' });
  if (!/^Module: http$/m.test(modules.stdout ?? '')) return { ok: false, reason: 'the syslog-ng http module (syslog-ng-mod-http) is missing' };
  const m = /syslog-ng \d+ \(([^)]+)\)/.exec(version.stdout);
  return { ok: true, version: m?.[1] ?? version.stdout.split('\n')[0]!.trim() };
}

export interface SyslogNgSettings {
  /** Working directory (config, persist file, disk buffer). */
  dir: string;
  /** HEC base URL of the receiver destination (…/services/collector/event is appended). */
  hecBaseUrl: string;
  batchLines: number;
  batchTimeoutMs: number;
  workers: number;
  /** disk-buf-size: large enough that the run never fills it (a full reliable buffer would pause the source). */
  diskBufferBytes: number;
}

export interface SyslogNgInstance {
  pid: number;
  /** TCP port of the network() source. */
  port: number;
  config: string;
  sampler: ProcessSampler;
  /** Reliable disk-buffer files syslog-ng created (proof the buffer is in use). */
  diskBufferFiles(): string[];
  stop(): Promise<void>;
}

export function syslogNgConfig(s: SyslogNgSettings & { port: number }): string {
  return `@version: 3.38
# siemstream benchmark peer (bench/syslog-ng.ts): TCP lines in, Splunk HEC out, reliable disk buffer.
options {
  stats-freq(0);
  log-msg-size(65536);
  frac-digits(3);       # R_UNIXTIME with milliseconds, like siemstream's HEC "time"
  use-dns(no);
  chain-hostnames(no);
};

source s_bench {
  network(
    ip("127.0.0.1") port(${s.port}) transport("tcp")
    flags(no-parse)     # the whole line (the OCSF event JSON) is $MSG, byte for byte
    log-iw-size(20000)
    max-connections(8)
  );
};

destination d_hec {
  http(
    url("${s.hecBaseUrl}/services/collector/event")
    method("POST")
    headers("Authorization: Splunk bench-token", "Content-Type: application/json")
    body('{"time":\${R_UNIXTIME},"sourcetype":"ocsf","event":\${MSG}}')
    delimiter("\\n")
    batch-lines(${s.batchLines})
    batch-timeout(${s.batchTimeoutMs})
    workers(${s.workers})
    timeout(30)
    persist-name("bench_hec")
    disk-buffer(
      reliable(yes)
      dir("${join(s.dir, 'diskq')}")
      disk-buf-size(${s.diskBufferBytes})
    )
  );
};

log { source(s_bench); destination(d_hec); flags(flow-control); };
`;
}

export async function startSyslogNg(settings: SyslogNgSettings): Promise<SyslogNgInstance> {
  mkdirSync(join(settings.dir, 'diskq'), { recursive: true });
  const port = await freePort();
  const config = syslogNgConfig({ ...settings, port });
  const configFile = join(settings.dir, 'syslog-ng.conf');
  writeFileSync(configFile, config);
  let output = '';
  const child = track(
    spawn(
      'syslog-ng',
      ['-F', '-e', '--no-caps', '-f', configFile, '-R', join(settings.dir, 'syslog-ng.persist'), '-p', join(settings.dir, 'syslog-ng.pid'), '-c', join(settings.dir, 'syslog-ng.ctl')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  await waitForPort(port, child, () => output);
  const sampler = sampleProcess(child.pid!);
  return {
    pid: child.pid!,
    port,
    config,
    sampler,
    diskBufferFiles: () => (existsSync(join(settings.dir, 'diskq')) ? readdirSync(join(settings.dir, 'diskq')) : []),
    async stop() {
      sampler.stop();
      await stopChild(child, 10_000);
    },
  };
}

async function waitForPort(port: number, child: ReturnType<typeof spawn>, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`syslog-ng exited with code ${child.exitCode}:\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`syslog-ng did not open port ${port} within 15 s:\n${log()}`);
}
