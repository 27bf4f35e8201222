/** The console's route module: its address in the start-up log, its files under a strict CSP, and a clear 503 unbuilt. */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PATH, consoleRoutes, consoleUrl } from '../../src/console/plugin.ts';
import { sqliteBackend } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { buildConsoleIfStale } from './console-harness.ts';

describe('console plugin', () => {
  let t: TestService;
  beforeAll(async () => {
    await buildConsoleIfStale();
    t = await startTestService(sqliteBackend, { settings: { host: '127.0.0.1', port: 0 } });
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it('names a link a browser on this machine can open', () => {
    expect(consoleUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080/console/');
    expect(consoleUrl('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080/console/');
    expect(consoleUrl('::', 9000)).toBe('http://[::1]:9000/console/');
    expect(consoleUrl('::1', 9000)).toBe('http://[::1]:9000/console/');
    expect(consoleUrl('siem.internal', 80)).toBe('http://siem.internal:80/console/');
  });

  it('the service logs the console link when it listens, and the link serves the console under a strict CSP', async () => {
    const { address } = await t.service.listen();
    const port = Number(new URL(address).port);
    const url = `http://127.0.0.1:${port}${CONSOLE_PATH}`;
    const line = t.logs.map((l) => JSON.parse(l)).find((l) => typeof l.msg === 'string' && l.msg.startsWith('admin console:'));
    expect(line).toMatchObject({ console: url });
    expect(line.msg).toContain(url);

    const res = await fetch(url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<script type="module" src="./app.js"></script>');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const js = await fetch(`${url}app.js`);
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(1000);
    const bare = await fetch(`http://127.0.0.1:${port}/console`, { redirect: 'manual' });
    await bare.text();
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe(CONSOLE_PATH);
  });

  it('answers 503 with what to run when the console is not built', async () => {
    const app = Fastify();
    await consoleRoutes(app, undefined, { assetsDir: '/nonexistent/console' });
    const res = await app.inject({ url: '/console/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toMatch(/npm run build/);
    await app.close();
  });
});
