/**
 * /metrics names every destination: SIEM_METRICS_TOKEN requires a bearer token for it, SIEM_METRICS_PORT moves it
 * to a listener of its own (and off the main port). With neither it stays open for local use.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings, EnvError } from '../../src/config/env.ts';
import type { ServiceSettings } from '../../src/config/env.ts';
import { sqliteBackend } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

describe('/metrics access', () => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  async function start(settings: Partial<ServiceSettings>) {
    t = await startTestService(sqliteBackend, { settings: { port: 0, host: '127.0.0.1', ...settings } });
    const auth = { authorization: `Bearer ${await t.token()}` };
    const id = (
      await t.service.app.inject({ method: 'POST', url: '/v1/org/siem-configs', headers: auth, payload: { connector_type: 'http', config: { url: 'https://collector.example.com/in' } } })
    ).json().id as string;
    const { address, metricsAddress } = await t.service.listen();
    return { address, metricsAddress, id };
  }
  const get = (base: string, headers: Record<string, string> = {}) => fetch(`${base}/metrics`, { headers });

  it('by default it is served on the main port without a token', async () => {
    const { address, metricsAddress } = await start({});
    expect(metricsAddress).toBeUndefined();
    const res = await get(address);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('siemstream_');
  });

  it('with SIEM_METRICS_TOKEN it requires that bearer token', async () => {
    const { address, id } = await start({ metricsToken: METRICS_TOKEN });
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token' }, { authorization: `Bearer ${METRICS_TOKEN}x` }, { authorization: METRICS_TOKEN }]) {
      const res = await get(address, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      const body = await res.text();
      expect(body).toContain('SIEM_ERR_UNAUTHENTICATED');
      expect(body).not.toContain(id);
    }
    // A JWT valid for the API is not the metrics token.
    expect((await get(address, { authorization: `Bearer ${await t!.token({ platformAdmin: true })}` })).status).toBe(401);
    const ok = await get(address, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('siemstream_');
    // The rest of the service is unaffected.
    expect((await fetch(`${address}/healthz`)).status).toBe(200);
  });

  it('with SIEM_METRICS_PORT it is served there only, token and all', async () => {
    const { address, metricsAddress } = await start({ metricsPort: 0, metricsHost: '127.0.0.1', metricsToken: METRICS_TOKEN });
    expect(metricsAddress).toBeDefined();
    expect(metricsAddress).not.toBe(address);
    expect((await get(address, { authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(404);
    expect((await get(metricsAddress!)).status).toBe(401);
    const ok = await get(metricsAddress!, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    // Nothing but /metrics on the metrics listener.
    expect((await fetch(`${metricsAddress}/v1/org/siem-configs`)).status).toBe(404);
    expect((await fetch(`${metricsAddress}/healthz`)).status).toBe(404);
  });

  it('the environment variables', () => {
    expect(loadSettings({})).toMatchObject({ metricsToken: undefined, metricsPort: undefined });
    expect(loadSettings({ SIEM_METRICS_TOKEN: METRICS_TOKEN, SIEM_METRICS_PORT: '9464', HOST: '0.0.0.0' })).toMatchObject({
      metricsToken: METRICS_TOKEN,
      metricsPort: 9464,
      metricsHost: '0.0.0.0',
    });
    expect(loadSettings({ SIEM_METRICS_PORT: '9464', SIEM_METRICS_HOST: '10.0.0.5' }).metricsHost).toBe('10.0.0.5');
    expect(() => loadSettings({ SIEM_METRICS_TOKEN: 'short' })).toThrow(/SIEM_METRICS_TOKEN/);
    expect(() => loadSettings({ SIEM_METRICS_HOST: '10.0.0.5' })).toThrow(EnvError);
  });
});
