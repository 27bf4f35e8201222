/**
 * Required test 1: publish 50,000 events while the receiver is slow, `kill -9` the service mid-stream, restart it:
 * every event answered 202 arrives (counted by unique metadata.uid); duplicates (at-least-once re-deliveries
 * after the crash) are counted and reported separately, so "missing" and "duplicated" are never confused.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../../src/security/jwt.ts';
import { TEST_JWT_SECRET } from '../../helpers/service.ts';
import { tempDir } from '../../helpers/stores.ts';
import { startCollector, type Collector } from './collector.ts';
import { authEvents } from './harness.ts';
import { freePort, startServiceProcess, type ServiceProcess } from './service-process.ts';

const TOTAL = 50_000;
const PER_REQUEST = 1000;

describe('crash safety (kill -9 mid-stream)', () => {
  let siem: Collector;
  let dataDir: string;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    siem = await startCollector();
    // Slow: every request takes 150 ms (≈ 10,000 events/s with 3 batches of 500 in flight), far slower than
    // publishing, so a backlog builds up behind it.
    siem.respond = () => ({ status: 200, delayMs: 150 });
    dataDir = tempDir('siemstream-crash-');
  });
  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await siem?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every accepted event after a crash and restart', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const env = { SIEM_FLUSH_INTERVAL_MS: '100' };
    const first = await startServiceProcess({ dataDir, port, env });
    processes.push(first);
    const admin = await mintToken({ secret: TEST_JWT_SECRET, sub: 'admin', orgId: 'org-1', orgSlug: 'acme-corp', role: 'admin' });
    const writer = await mintToken({ secret: TEST_JWT_SECRET, sub: 'publisher', orgId: 'org-1', orgSlug: 'acme-corp', role: 'member', scope: 'events:write' });
    const created = await fetch(`${first.baseUrl}/v1/org/siem-configs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connector_type: 'http', config: { url: siem.url }, batch_size: 500 }),
    });
    expect(created.status).toBe(201);

    const requests = Array.from({ length: TOTAL / PER_REQUEST }, () => authEvents(PER_REQUEST));
    const accepted = new Set<string>();
    let next = 0;
    /** Publishes request by request until one fails (the process died) or all are done. */
    const publishUntilFailure = async (baseUrl: string) => {
      for (; next < requests.length; next++) {
        const res = await fetch(`${baseUrl}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
          body: JSON.stringify(requests[next]),
        }).catch(() => undefined);
        if (res?.status !== 202) return;
        const body = (await res.json()) as { accepted: number };
        expect(body.accepted).toBe(PER_REQUEST);
        for (const e of requests[next]) accepted.add(e.metadata.uid);
      }
    };

    const publishing = publishUntilFailure(first.baseUrl);
    // Kill once delivery is well under way and publishing is still going on.
    const deadline = Date.now() + 30_000;
    while (new Set(siem.uids()).size < 3000 || next < 10) {
      if (Date.now() > deadline) throw new Error(`no progress before the kill: ${siem.uids().length} delivered, ${next} requests published`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await publishing;
    const acceptedBeforeCrash = accepted.size;
    const deliveredBeforeCrash = new Set(siem.uids()).size;
    expect(deliveredBeforeCrash).toBeLessThan(acceptedBeforeCrash);

    const second = await startServiceProcess({ dataDir, port, env });
    processes.push(second);
    // The request cut by the crash is sent again as a client would (its uids de-duplicate if it had committed).
    await publishUntilFailure(second.baseUrl);
    expect(next).toBe(requests.length);
    expect(accepted.size).toBe(TOTAL);

    await siem.waitForUnique(TOTAL, 45_000).catch(() => {});
    const received = siem.uids();
    const unique = new Set(received);
    const missing = [...accepted].filter((u) => !unique.has(u));
    const duplicates = received.length - unique.size;
    console.log(
      `crash safety: ${accepted.size} accepted (${acceptedBeforeCrash} before the kill, ${deliveredBeforeCrash} delivered by then); ` +
        `received ${received.length}, unique ${unique.size}, missing ${missing.length}, duplicates ${duplicates}`,
    );
    expect(missing).toEqual([]);
    expect(unique.size).toBe(TOTAL);
    // Re-deliveries are bounded by what was in flight or not yet checkpointed at the kill, never the whole stream.
    expect(duplicates).toBeLessThan(TOTAL / 2);

    const exit = second.exited;
    second.child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
