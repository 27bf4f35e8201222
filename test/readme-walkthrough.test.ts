/**
 * The README's shell examples are one walk-through of one organisation: every `siemstream token` names the same
 * org id and slug (and the paths use that slug), and the Quick start's commands, run in order against a real
 * service, create a config, publish an event and have it delivered, answering what the README says.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../src/security/jwt.ts';
import { startCollector, type Collector } from './pipeline/delivery/collector.ts';
import { FAST_DELIVERY, eventually } from './pipeline/delivery/harness.ts';
import { TEST_JWT_SECRET, startTestService, type TestService } from './helpers/service.ts';
import { sqliteBackend } from './helpers/stores.ts';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

/** A shell block's commands: continuation lines joined, comments and blank lines dropped. */
const commandsOf = (block: string) =>
  block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
const shBlocks = (text: string) => [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Splits a command line as sh does for the quoting these examples use ('…', "…", $(…) left as one word). */
function words(line: string): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === ' ') {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) out.push(word);
  return out;
}

const TOKEN_OPTIONS = {
  'org-id': { type: 'string' },
  'org-slug': { type: 'string' },
  role: { type: 'string' },
  'platform-admin': { type: 'boolean' },
  scope: { type: 'string' },
  sub: { type: 'string' },
  'expires-in': { type: 'string' },
} as const;

/** `TOKEN=$(npx siemstream token …)` → the flags. */
function tokenFlags(line: string) {
  const inner = /\$\(npx siemstream token ([^)]*)\)/.exec(line)![1]!;
  return parseArgs({ args: words(inner), options: TOKEN_OPTIONS, strict: true }).values;
}

const allCommands = shBlocks(readme).flatMap(commandsOf);
const tokenCommands = allCommands.filter((l) => l.includes('$(npx siemstream token '));

describe('README examples', () => {
  it('mint tokens for one organisation, whose slug every AuthOS path uses', () => {
    expect(tokenCommands.length).toBeGreaterThanOrEqual(2);
    const orgs = new Set(tokenCommands.map((l) => tokenFlags(l)).map((f) => `${f['org-id']} ${f['org-slug']}`));
    expect([...orgs]).toHaveLength(1);
    const slug = tokenFlags(tokenCommands[0]!)['org-slug'];
    const pathSlugs = [...readme.matchAll(/\/api\/organizations\/([a-z0-9-]+)\//g)].map((m) => m[1]);
    expect(pathSlugs.length).toBeGreaterThan(0);
    expect(new Set(pathSlugs)).toEqual(new Set([slug]));
  });
});

describe('README Quick start, run in order', () => {
  let t: TestService;
  let receiver: Collector;
  const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
  beforeAll(async () => {
    // Started as the README starts it.
    const egressAllow = /SIEM_EGRESS_ALLOW=(\S+) npm start/.exec(quickStart)![1]!;
    t = await startTestService(sqliteBackend, { settings: { egressAllow, flushIntervalMs: 50 }, service: { delivery: { options: FAST_DELIVERY, random: () => 0.5 } } });
    receiver = await startCollector();
  });
  afterAll(async () => {
    await t?.dispose();
    await receiver?.close();
  });

  it('creates a config, publishes an event and sees it delivered', async () => {
    const blocks = shBlocks(quickStart);
    const walk = blocks.find((b) => b.includes('siemstream token'))!;
    // The receiver's address in the README is the test collector's here.
    const readmeReceiver = /"endpoint_url":"(http:\/\/127\.0\.0\.1:9000\/)"/.exec(walk)![1]!;
    expect(blocks.some((b) => b.includes('SIEM_EGRESS_ALLOW=127.0.0.1') && b.includes('listen(9000)'))).toBe(true);

    let token = '';
    const answers: { method: string; path: string; status: number; body: unknown }[] = [];
    for (const line of commandsOf(walk)) {
      if (line.startsWith('TOKEN=')) {
        const f = tokenFlags(line);
        token = await mintToken({ secret: TEST_JWT_SECRET, orgId: f['org-id'], orgSlug: f['org-slug'], role: f.role, scope: f.scope, platformAdmin: f['platform-admin'] });
        continue;
      }
      const w = words(line);
      expect(w[0]).toBe('curl');
      const method = w.includes('-X') ? w[w.indexOf('-X') + 1]! : 'GET';
      const url = new URL(w.find((x) => x.startsWith('http://127.0.0.1:8080/'))!);
      const data = w.includes('-d') ? w[w.indexOf('-d') + 1]!.replace(readmeReceiver, receiver.url) : undefined;
      const headers: Record<string, string> = {};
      for (let i = 0; i < w.length; i++) {
        if (w[i] !== '-H') continue;
        const [name, ...value] = w[i + 1]!.split(':');
        headers[name!.toLowerCase()] = value.join(':').trim().replace('$TOKEN', token);
      }
      const res = await t.service.app.inject({ method: method as 'GET', url: url.pathname, headers, ...(data !== undefined && { payload: data }) });
      answers.push({ method, path: url.pathname, status: res.statusCode, body: res.json() });
    }

    expect(answers.map((a) => [a.method, a.path, a.status])).toEqual([
      ['POST', '/api/organizations/acme-corp/siem-configs', 201],
      ['POST', '/v1/events', 202],
      ['GET', '/v1/org/siem-configs', 200],
    ]);
    // The answer the README shows.
    const shown = JSON.parse(/# → 202 (\{.*?\});/.exec(walk)![1]!);
    expect(answers[1]!.body).toEqual(shown);

    await eventually(() => receiver.uids().length === 1, 'the event reached the receiver');
    expect(receiver.events()[0]).toMatchObject({ class_uid: 3002, metadata: { tenant_uid: '6f1c2c1e-0000-4000-8000-000000000001' } });
    await eventually(async () => {
      const list = await t.service.app.inject({ method: 'GET', url: '/v1/org/siem-configs', headers: { authorization: `Bearer ${token}` } });
      return list.json()[0]?.delivery_status === 'healthy' && list.json()[0]?.last_successful_batch_at !== null;
    }, 'the config reports the delivery');
  });
});
