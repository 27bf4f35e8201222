/**
 * An in-process service (real SQLite store, real HTTP app, real delivery engine, real sockets to loopback
 * receivers) with delivery timings shortened for tests, plus the API calls delivery tests make.
 */
import { randomUUID } from 'node:crypto';
import type { OcsfEvent } from '../../../src/connectors/shared/types.ts';
import type { DeliveryEngineOptions } from '../../../src/pipeline/delivery/engine.ts';
import { authenticationEvent } from '../../fixtures/events.ts';
import { startTestService, type TestService } from '../../helpers/service.ts';
import { sqliteBackend } from '../../helpers/stores.ts';

export interface DeliveryHarness {
  t: TestService;
  /** POST /v1/org/siem-configs; returns the config id. */
  createConfig(body: Record<string, unknown>): Promise<string>;
  updateConfig(id: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  getConfig(id: string): Promise<Record<string, unknown>>;
  /** Publishes through POST /v1/events (OCSF or simple events); throws unless every event was accepted. */
  publish(events: readonly unknown[]): Promise<void>;
  api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; json: any }>;
  dispose(): Promise<void>;
}

export const FAST_DELIVERY: Partial<DeliveryEngineOptions> = {
  pollIntervalMs: 200,
  cursorFlushMs: 50,
  stateFlushMs: 100,
  replayPollMs: 500,
  drainMs: 500,
  backoff: { initialMs: 200, maxMs: 2000 },
};

export async function startDeliveryHarness(
  opts: { flushIntervalMs?: number; delivery?: Partial<DeliveryEngineOptions>; random?: () => number } = {},
): Promise<DeliveryHarness> {
  const t = await startTestService(sqliteBackend, {
    settings: { flushIntervalMs: opts.flushIntervalMs ?? 50 },
    service: { delivery: { options: { ...FAST_DELIVERY, ...opts.delivery }, random: opts.random ?? (() => 0.5) } },
  });
  const admin = await t.token();
  const writer = await t.token({ scope: 'events:write' });
  const api = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
    const res = await t.service.app.inject({ method, url, headers: { authorization: `Bearer ${admin}` }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: res.statusCode, json: res.body ? res.json() : undefined };
  };
  return {
    t,
    api,
    async createConfig(body) {
      const res = await api('POST', '/v1/org/siem-configs', body);
      if (res.status !== 201) throw new Error(`create config: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json.id as string;
    },
    async updateConfig(id, body) {
      const res = await api('PUT', `/v1/org/siem-configs/${id}`, body);
      if (res.status !== 200) throw new Error(`update config: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json;
    },
    async getConfig(id) {
      return (await api('GET', `/v1/org/siem-configs/${id}`)).json;
    },
    async publish(events) {
      const res = await t.service.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${writer}` }, payload: events });
      if (res.statusCode !== 202) throw new Error(`publish: ${res.statusCode} ${res.body}`);
      const answer = res.json() as { accepted: number; rejected: unknown[] };
      if (answer.rejected.length > 0) throw new Error(`publish rejected events: ${JSON.stringify(answer.rejected)}`);
    },
    dispose: () => t.dispose(),
  };
}

/** `n` valid Authentication events with fresh uids (severity cycles 1..5). */
export function authEvents(n: number, overrides: Partial<OcsfEvent> = {}): OcsfEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const e = authenticationEvent(overrides, i);
    e.metadata = { ...e.metadata, uid: randomUUID() };
    return e;
  });
}

/** Generic HTTP connector config pointing at a collector. */
export function httpConfig(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { url, ...extra };
}

/** Polls `check` every 25 ms until it returns true (or throws with `what` after timeoutMs). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
