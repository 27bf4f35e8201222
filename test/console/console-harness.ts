/**
 * What the console's browser tests run against: the console built from the current sources (scripts/build.js),
 * a real service listening on a loopback port (SQLite in a temp data dir, fast delivery timings, two global
 * connectors), a loopback Splunk HEC, and the system Chromium driven by playwright-core. Each page records every
 * answer the browser received, so a test can prove no secret was among them.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FAST_DELIVERY } from '../pipeline/delivery/harness.ts';
import { sqliteBackend, tempDir } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { startHecReceiver, type HecReceiver } from './hec-receiver.ts';

export const CHROMIUM = process.env.SIEM_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** CI sets this: a missing browser fails the tests instead of skipping them. */
export const chromiumRequired = process.env.SIEM_REQUIRE_CHROMIUM === '1';

export const HEC_TOKEN = 'hec-secret-7d1e5c9a-41b2-4f7e-a0c3-5e8f2b6d9a14';

/** The console's bundle, built when dist/ is missing or older than the sources (the service serves it from there). */
export async function buildConsoleIfStale(): Promise<void> {
  // A plain JavaScript module: imported by URL so the type-check does not look for its declarations.
  const build = (await import(new URL('../../scripts/build.js', import.meta.url).href)) as { ensureBuilt(): Promise<boolean> };
  await build.ensureBuilt();
  if (!existsSync(fileURLToPath(new URL('../../dist/console/index.html', import.meta.url)))) throw new Error('scripts/build.js did not write dist/console');
}

export interface ConsoleHarness {
  t: TestService;
  hec: HecReceiver;
  /** http://127.0.0.1:<port> */
  origin: string;
  browser: Browser;
  /** A fresh browser tab (own sessionStorage) recording every answer it receives. */
  newPage(opts?: { width?: number; height?: number; colorScheme?: 'light' | 'dark'; refreshMs?: number }): Promise<RecordedPage>;
  close(): Promise<void>;
}

export interface RecordedPage {
  page: Page;
  context: BrowserContext;
  /** Every response body the page received so far (text), with its URL. */
  responses: { url: string; status: number; body: string }[];
  /** Page errors and console errors (a CSP violation shows here). */
  problems: string[];
  /** Waits until every response seen so far has its body recorded. */
  settled(): Promise<void>;
}

export async function startConsoleHarness(): Promise<ConsoleHarness> {
  await buildConsoleIfStale();
  const hec = await startHecReceiver(HEC_TOKEN);
  const connectorsDir = tempDir('siemstream-console-');
  let t: TestService | undefined;
  try {
    // Global connectors for the operator's page: one delivering to the receiver, one whose token variable is unset.
    const connectorsFile = join(connectorsDir, 'connectors.json');
    writeFileSync(
      connectorsFile,
      JSON.stringify({
        connectors: [
          { connector_id: 'hec-primary', display_name: 'Splunk HEC (primary)', connector_type: 'splunk_hec', config: { url: hec.url, token: HEC_TOKEN } },
          { connector_id: 'hec-backup', display_name: 'Splunk HEC (backup)', connector_type: 'splunk_hec', config: { url: hec.url, token: '${BACKUP_HEC_TOKEN}' } },
        ],
      }),
    );
    t = await startTestService(sqliteBackend, {
      settings: { host: '127.0.0.1', port: 0, connectorsFile, flushIntervalMs: 50, testRateLimitPerMinute: 1000 },
      service: { delivery: { options: { ...FAST_DELIVERY, replayPollMs: 200 }, random: () => 0.5 } },
    });
    const { address } = await t.service.listen();
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    const contexts = new Set<BrowserContext>();
    const service = t;
    return {
      t: service,
      hec,
      origin: address,
      browser,
      async newPage(opts = {}) {
        const context = await browser.newContext({
          viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
          colorScheme: opts.colorScheme ?? 'light',
          locale: 'en-GB',
          timezoneId: 'Europe/Berlin',
        });
        contexts.add(context);
        // Pages refresh every second (the header's fastest choice) so that tests wait on conditions briefly.
        await context.addInitScript((ms) => {
          if (sessionStorage.getItem('siemstream.console.refresh-ms') === null) sessionStorage.setItem('siemstream.console.refresh-ms', String(ms));
        }, opts.refreshMs ?? 1000);
        const page = await context.newPage();
        page.setDefaultTimeout(10_000);
        const responses: RecordedPage['responses'] = [];
        const problems: string[] = [];
        const pending = new Set<Promise<void>>();
        page.on('response', (res) => {
          const p = res
            .text()
            .then((body) => void responses.push({ url: res.url(), status: res.status(), body }))
            .catch(() => void responses.push({ url: res.url(), status: res.status(), body: '' }))
            .finally(() => pending.delete(p));
          pending.add(p);
        });
        page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
        page.on('console', (m) => {
          // An answer the app expects (a 4xx it shows the user) is logged by Chromium too; those are not problems.
          if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
        });
        return {
          page,
          context,
          responses,
          problems,
          async settled() {
            await Promise.all([...pending]);
          },
        };
      },
      async close() {
        for (const c of contexts) await c.close().catch(() => {});
        await browser.close().catch(() => {});
        await service.dispose();
        await hec.close();
        rmSync(connectorsDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await t?.dispose().catch(() => {});
    await hec.close();
    rmSync(connectorsDir, { recursive: true, force: true });
    throw err;
  }
}
