/**
 * The admin console in a real browser (the system Chromium, headless) against a real service on SQLite and a
 * loopback Splunk HEC: what an org admin and an operator do, end to end. Waits are on conditions the page
 * shows, never fixed sleeps. The tests take the README's screenshots (docs/console-*.png).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/security/jwt.ts';
import { chromiumRequired, CHROMIUM, hasChromium, HEC_TOKEN, startConsoleHarness, type ConsoleHarness, type RecordedPage } from './console-harness.ts';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const XSS_NAME = '<img src=x onerror=alert(1)>';

if (!hasChromium && !chromiumRequired) {
  console.warn(`console browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set SIEM_CHROMIUM). CI sets SIEM_REQUIRE_CHROMIUM=1 and runs them.`);
}

describe.skipIf(!hasChromium && !chromiumRequired)('admin console in Chromium', { timeout: 40_000 }, () => {
  let h: ConsoleHarness;
  let admin: string;
  let writer: string;
  /** The stream the first test creates through the form. */
  let streamId: string;

  beforeAll(async () => {
    h = await startConsoleHarness();
    admin = await h.t.token({ sub: 'alice@acme.example' });
    writer = await h.t.token({ sub: 'platform', scope: 'events:write' });
    mkdirSync(DOCS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${h.origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const publish = async (n: number, tag: string) => {
    const events = Array.from({ length: n }, (_, i) => ({ type: 'user.login', user: { user_id: `${tag}-${i}` }, ip: '203.0.113.7' }));
    const res = await call('POST', '/v1/events', writer, events);
    expect(res.status, JSON.stringify(res.json)).toBe(202);
  };
  const createStream = async (token: string, name: string, config: Record<string, unknown> = { url: h.hec.url, token: HEC_TOKEN }) => {
    const res = await call('POST', '/v1/org/streams', token, { connector_type: 'splunk_hec', name, config });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.id as string;
  };
  /** An element with exactly this text (or matching), waited for. */
  const withText = (scope: Page | Locator, selector: string, text: string | RegExp) =>
    scope.locator(selector, { hasText: typeof text === 'string' ? new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) : text });
  const signInByFragment = async (r: RecordedPage, token: string, route = '#/') => {
    await r.page.goto(`${h.origin}/console/#token=${token}`);
    await r.page.locator('[data-testid=who]').waitFor();
    if (route !== '#/') await r.page.goto(`${h.origin}/console/${route}`);
  };
  /** No answer the page received and nothing in its DOM holds the HEC token. */
  const expectSecretNowhere = async (r: RecordedPage) => {
    await r.settled();
    expect(r.responses.length).toBeGreaterThan(3);
    for (const res of r.responses) expect(res.body, `${res.url} answered the secret`).not.toContain(HEC_TOKEN);
    expect(await r.page.content()).not.toContain(HEC_TOKEN);
    const values = await r.page.evaluate(() => [...document.querySelectorAll('input, textarea')].map((e) => (e as HTMLInputElement).value).join('\n'));
    expect(values).not.toContain(HEC_TOKEN);
  };

  it('an org admin signs in, creates a Splunk HEC stream through the form, tests it and sees delivered events in the chart', async () => {
    const r = await h.newPage();
    const { page } = r;
    await page.goto(`${h.origin}/console/`);
    await page.getByLabel('Access token').fill(admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await withText(page, 'h1', 'Streams').waitFor();
    expect(await page.evaluate(() => Object.values(sessionStorage).some((v) => v.split('.').length === 3))).toBe(true);
    expect(page.url()).not.toContain(admin.slice(-20));

    await page.getByTestId('new-stream').first().click();
    await page.getByTestId('stream-form').waitFor();
    // The form comes from the connector's schema: Splunk's required fields and its defaults.
    expect(await page.getByLabel('Connector type').inputValue()).toBe('splunk_hec');
    await page.getByLabel('Name', { exact: true }).fill('Production Splunk');
    await page.getByLabel(/^url/).fill(h.hec.url);
    await page.getByLabel(/^token/).fill(HEC_TOKEN);
    await page.getByLabel(/^index/).fill('security');
    expect(await page.locator('#field-sourcetype').getAttribute('placeholder')).toBe('ocsf');
    await page.getByTestId('save-stream').click();

    await page.getByTestId('stream-page').waitFor();
    streamId = decodeURIComponent(/#\/streams\/([^/]+)$/.exec(page.url())![1]);
    await withText(page, '[data-testid=secret-token]', 'set (write-only)').waitFor();

    await page.getByTestId('test-connection').click();
    const result = page.locator('[data-testid=test-result][data-kind=ok]');
    await result.waitFor();
    expect(await result.getByTestId('test-status').innerText()).toBe('HTTP 200');
    expect(await result.getByTestId('test-advice').innerText()).toMatch(/accepted the test event/);

    const before = h.hec.accepted();
    await publish(7, 'first');
    await withText(page, '[data-testid=chart-total-delivered]', '7').waitFor();
    await withText(page, '[data-testid=figure-delivered]', '7').waitFor();
    expect(h.hec.accepted() - before).toBeGreaterThanOrEqual(7);
    await page.getByRole('button', { name: '24 h' }).click();
    await withText(page, '#charts-title', 'Delivery over the last 24 hours').waitFor();
    await withText(page, '[data-testid=chart-total-delivered]', '7').waitFor();
    expect(await page.locator('[data-testid=chart-events] canvas').count()).toBeGreaterThan(0);

    // The list, without a reload: healthy, a last delivery, nothing waiting.
    await page.getByRole('link', { name: '← Streams' }).click();
    const row = page.locator(`tr[data-stream-id="${streamId}"]`);
    await row.locator('.badge-healthy').waitFor();
    expect(await row.getByTestId('backlog').innerText()).toBe('0');
    expect(await row.locator('time').innerText()).not.toBe('never');
    await expectSecretNowhere(r);
    expect(r.problems).toEqual([]);
  });

  it('a broken receiver turns the stream failing with the reason; after recovery its dead letters are replayed and delivered', async () => {
    const r = await h.newPage();
    const { page } = r;
    await signInByFragment(r, admin, `#/streams/${streamId}`);
    await withText(page, '[data-testid=figure-delivered]', '7').waitFor();

    h.hec.mode = 'reject';
    // Three batches the SIEM refuses whole, one after the other (each seen dead-lettered before the next).
    for (let round = 1; round <= 3; round++) {
      await publish(2, `rejected-${round}`);
      await withText(page, '[data-testid=dl-total]', `(${2 * round})`).waitFor();
    }
    await page.locator('[data-testid=stream-page][data-status=degraded]').waitFor();
    expect(await page.getByTestId('stream-reason').innerText()).toMatch(/Why: .*rejected by the SIEM.*Incorrect index/);
    expect(await page.getByTestId('last-errors').innerText()).toMatch(/Incorrect index/);
    await withText(page, '[data-testid=chart-total-dead]', '6').waitFor();
    await page.locator('[data-dead-letter] >> nth=0').getByRole('button', { name: 'Inspect' }).click();
    expect(await page.getByTestId('dl-inspect').innerText()).toMatch(/Incorrect index[\s\S]*"class_uid": 3002/);
    await page.screenshot({ path: `${DOCS}console-stream.png`, fullPage: true });

    // The list says so too, with the reason, without a reload.
    await page.goto(`${h.origin}/console/#/`);
    const row = page.locator(`tr[data-stream-id="${streamId}"]`);
    await row.locator('.badge-degraded').waitFor();
    expect(await row.getByTestId('health-reason').innerText()).toMatch(/\d+ batches in a row rejected by the SIEM/);
    expect(Number(await row.getByTestId('failures').innerText())).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: `${DOCS}console-streams.png` });

    h.hec.mode = 'ok';
    await row.getByTestId('stream-link').click();
    await page.getByTestId('dl-replay-all').click();
    await page.getByTestId('dl-note').waitFor();
    expect(await page.getByTestId('dl-note').innerText()).toMatch(/^6 queued for replay/);
    await page.waitForFunction(() => {
      const states = [...document.querySelectorAll('[data-dead-letter]')].map((e) => e.getAttribute('data-state'));
      return states.length === 6 && states.every((s) => s === 'replayed');
    });
    await withText(page, '[data-testid=figure-delivered]', '13').waitFor();
    await withText(page, '[data-testid=chart-total-delivered]', '13').waitFor();
    await page.locator('[data-testid=stream-page][data-status=healthy]').waitFor();

    // Purge, with a confirmation first.
    await page.getByTestId('dl-purge-all').click();
    await page.getByTestId('dl-purge-all-confirm').click();
    await page.getByTestId('dl-empty').waitFor();
    await expectSecretNowhere(r);
    expect(r.problems).toEqual([]);
  });

  it('validation errors from the server appear beside the field they name; a new target URL asks for the secret again', async () => {
    const r = await h.newPage();
    const { page } = r;
    await signInByFragment(r, admin, '#/streams/new');
    await page.getByTestId('stream-form').waitFor();
    await page.getByLabel(/^url/).fill('not a url');
    await page.getByLabel(/^token/).fill(HEC_TOKEN);
    await page.getByTestId('save-stream').click();

    const urlError = page.locator('[data-field=url] [data-testid="error-config.url"]');
    await urlError.waitFor();
    expect(await urlError.innerText()).toMatch(/absolute http:\/\/ or https:\/\/ URL/);
    expect(await page.locator('#field-url').getAttribute('aria-invalid')).toBe('true');
    expect((await page.locator('#field-url').getAttribute('aria-describedby'))!.split(' ')).toContain('field-url-error');
    // Focus goes to the field the service refused.
    await page.waitForFunction(() => document.activeElement?.id === 'field-url');
    await page.screenshot({ path: `${DOCS}console-form.png`, fullPage: true });

    await page.getByLabel(/^url/).fill(h.hec.url);
    await page.getByLabel('Batch size').fill('0');
    await page.getByTestId('save-stream').click();
    await page.locator('[data-testid="error-batch_size"]').waitFor();
    expect(await page.locator('[data-testid="error-config.url"]').count()).toBe(0);
    await page.waitForFunction(() => document.activeElement?.id === 'field-batch-size');

    // Editing: the stored secret shows as set; a new destination needs it again, else the service says so beside it.
    const id = await createStream(admin, 'Moving HEC');
    await page.goto(`${h.origin}/console/#/streams/${id}/edit`);
    await withText(page, '[data-testid=secret-token]', 'set').waitFor();
    expect(await page.locator('#field-token').count()).toBe(0);
    const moved = h.hec.url.replace('127.0.0.1', 'localhost');
    await page.getByLabel(/^url/).fill(moved);
    await page.getByTestId('reenter-token').waitFor();
    await page.getByTestId('save-stream').click();
    await page.locator('[data-field=token] [data-testid="error-config.token"]').waitFor();
    await page.getByLabel(/^token/).fill(HEC_TOKEN);
    await page.getByTestId('save-stream').click();
    await page.getByTestId('stream-page').waitFor();
    expect(await page.getByTestId('settings').innerText()).toContain(moved);
    await withText(page, '[data-testid=secret-token]', 'set (write-only)').waitFor();

    // Replace: the secret input appears only when asked for.
    await page.getByTestId('edit-stream').click();
    await page.getByTestId('replace-token').click();
    await page.waitForFunction(() => document.activeElement?.id === 'field-token');
    await expectSecretNowhere(r);
    expect(r.problems).toEqual([]);
  });

  it('a secret never appears in the DOM or in any response, across every page of a stream', async () => {
    const r = await h.newPage();
    const { page } = r;
    await signInByFragment(r, admin);
    await page.locator(`tr[data-stream-id="${streamId}"]`).waitFor();
    await page.goto(`${h.origin}/console/#/streams/${streamId}`);
    await page.getByTestId('test-connection').click();
    await page.getByTestId('test-result').waitFor();
    await page.getByTestId('load-preview').click();
    await page.getByTestId('preview').waitFor();
    expect(await page.getByTestId('preview').innerText()).toMatch(/Authorization: \[REDACTED\]/);
    await page.locator('[data-testid=replay-window] button[type=submit]').click();
    expect(await page.getByTestId('replay-result').innerText()).toMatch(/^Replay queued/);
    await withText(page, '[data-testid=audit] td', 'create').first().waitFor();
    await page.getByTestId('edit-stream').click();
    await page.getByTestId('stream-form').waitFor();
    await page.goto(`${h.origin}/console/#/`);
    await page.locator(`tr[data-stream-id="${streamId}"]`).waitFor();
    await expectSecretNowhere(r);
    const urls = r.responses.map((x) => new URL(x.url).pathname);
    for (const p of ['/v1/org/streams', `/v1/org/streams/${streamId}`, `/v1/org/siem-configs/${streamId}/preview`, `/v1/org/siem-configs/${streamId}/dead-letters`, `/v1/org/siem-configs/${streamId}/audit`, '/v1/connector-types']) {
      expect(urls).toContain(p);
    }
    expect(r.problems).toEqual([]);
  });

  it('test connection tells a wrong token from an unreachable host, with what to do', async () => {
    const wrong = await createStream(admin, 'Wrong token', { url: h.hec.url, token: 'not-the-hec-token' });
    const closed = await createStream(admin, 'Nobody listening', { url: 'http://127.0.0.1:1', token: HEC_TOKEN });
    const r = await h.newPage();
    const { page } = r;
    await signInByFragment(r, admin, `#/streams/${wrong}`);
    await page.getByTestId('test-connection').click();
    const credentials = page.locator('[data-testid=test-result][data-kind=credentials]');
    await credentials.waitFor();
    expect(await credentials.getByTestId('test-status').innerText()).toBe('HTTP 403');
    expect(await credentials.getByTestId('test-advice').innerText()).toMatch(/replace the token/);
    await page.goto(`${h.origin}/console/#/streams/${closed}`);
    await withText(page, '#stream-title', 'Nobody listening').waitFor();
    await page.getByTestId('test-connection').click();
    const unreachable = page.locator('[data-testid=test-result][data-kind=unreachable]');
    await unreachable.waitFor();
    expect(await unreachable.getByTestId('test-status').innerText()).toBe('no HTTP answer');
    expect(await unreachable.getByTestId('test-advice').innerText()).toMatch(/could not be reached/);
    // Neither is left behind for the other tests' lists.
    for (const id of [wrong, closed]) expect((await call('DELETE', `/v1/org/siem-configs/${id}`, admin)).status).toBe(204);
    expect(r.problems).toEqual([]);
  });

  it('an operator sees the registry summary and a failing tenant, and filters by state', async () => {
    const tenant = await h.t.token({ orgId: 'org-9', orgSlug: 'failing-co', sub: 'bob' });
    const failing = await createStream(tenant, 'Failing-co SIEM', { url: h.hec.url, token: 'revoked-token' });
    const test = await call('POST', `/v1/org/streams/${failing}/test`, tenant);
    expect(test.json).toMatchObject({ success: false, kind: 'credentials' });

    const operator = await h.t.token({ orgId: undefined, orgSlug: undefined, role: undefined, platformAdmin: true, sub: 'operator' });
    const r = await h.newPage();
    const { page } = r;
    await signInByFragment(r, operator);
    await withText(page, 'h1', 'Operator').waitFor();
    await withText(page, '[data-testid=count-total]', '2').waitFor();
    expect(await page.getByTestId('count-not-configured').innerText()).toBe('1');
    const backup = page.locator('tr[data-connector=hec-backup][data-status=not_configured]');
    expect(await backup.innerText()).toMatch(/BACKUP_HEC_TOKEN is not set/);

    const tenantRow = page.locator('[data-testid=tenant-streams] tr[data-org=org-9]');
    await tenantRow.waitFor();
    expect(await tenantRow.innerText()).toMatch(/Failing-co SIEM[\s\S]*(Degraded|Failing)[\s\S]*(Invalid token|403)/);
    expect(await page.getByTestId('tenant-summary').innerText()).toMatch(/Organisations failing now: [1-9]/);
    await page.screenshot({ path: `${DOCS}console-operator.png`, fullPage: true });

    await page.getByLabel('State').selectOption('healthy');
    await tenantRow.waitFor({ state: 'detached' });
    await page.getByLabel('State').selectOption('all');
    await page.getByLabel('Organisation id').fill('org-9');
    await page.getByLabel('Organisation id').press('Enter');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=tenant-streams] tbody tr')];
      return rows.length > 0 && rows.every((row) => row.getAttribute('data-org') === 'org-9');
    });
    expect(r.problems).toEqual([]);
  });

  it('a stream named like markup renders as that text', async () => {
    const id = await createStream(admin, XSS_NAME);
    const r = await h.newPage();
    const { page } = r;
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signInByFragment(r, admin);
    const link = page.locator(`tr[data-stream-id="${id}"] [data-testid=stream-link]`);
    await link.waitFor();
    expect(await link.innerText()).toBe(XSS_NAME);
    expect(await page.locator('main img').count()).toBe(0);
    await link.click();
    await withText(page, '#stream-title', XSS_NAME).waitFor();
    expect(await page.locator('main img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(r.problems).toEqual([]);
  });

  it('401 leads back to sign-in with the reason; expiry and a token without the role say so', async () => {
    const r = await h.newPage();
    const { page } = r;
    const forged = await mintToken({ secret: 'another-secret-that-is-at-least-32-bytes!!', sub: 'mallory', orgId: 'org-1', orgSlug: 'acme-corp', role: 'admin' });
    await page.goto(`${h.origin}/console/#token=${forged}`);
    await page.getByTestId('sign-in-reason').waitFor();
    expect(await page.getByTestId('sign-in-reason').innerText()).toMatch(/refused the token \(401/);
    expect(await page.evaluate(() => sessionStorage.length === 0 || !Object.values(sessionStorage).some((v) => v.split('.').length === 3))).toBe(true);

    // A token that expires while signed in: back to sign-in, saying why.
    const shortLived = await h.t.token({ sub: 'alice@acme.example', expiresInSec: 2 });
    await page.getByLabel('Access token').fill(shortLived);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await withText(page, 'h1', 'Streams').waitFor();
    await withText(page, '[data-testid=sign-in-reason]', /expired/).waitFor({ timeout: 6000 });
    // An expired token is refused before any call.
    await page.getByLabel('Access token').fill(shortLived);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.locator('#token-error').innerText()).toMatch(/expired/);

    const viewer = await h.t.token({ role: 'viewer', sub: 'vic' });
    await page.getByLabel('Access token').fill(viewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.locator('main [role=alert]').innerText()).toMatch(/owner or admin role \(it has viewer/);
  });

  it('keyboard only: create a stream, disable and enable it, delete it with confirmation; focus is visible', async () => {
    const r = await h.newPage();
    const { page } = r;
    await page.goto(`${h.origin}/console/`);
    const focused = () => page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      return { id: e?.id ?? '', text: (e?.textContent ?? '').trim(), testId: e?.getAttribute('data-testid') ?? '', outline: e ? getComputedStyle(e).outlineStyle : 'none' };
    });
    /** Tabs until the focused element matches (at most 60 presses); focus must be visible on it. */
    const tabTo = async (match: (f: Awaited<ReturnType<typeof focused>>) => boolean) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        if (match(f)) {
          expect(f.outline, `focus on ${f.id || f.text} is not visible`).not.toBe('none');
          return;
        }
      }
      throw new Error('never reached by Tab');
    };
    const focusOn = (testId: string) => page.waitForFunction((t) => document.activeElement?.getAttribute('data-testid') === t, testId);
    await tabTo((f) => f.id === 'token');
    await page.keyboard.insertText(admin);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await withText(page, 'h1', 'Streams').waitFor();

    await tabTo((f) => f.testId === 'new-stream');
    await page.keyboard.press('Enter');
    await page.getByTestId('stream-form').waitFor();
    await tabTo((f) => f.id === 'field-name');
    await page.keyboard.type('Keyboard HEC');
    await tabTo((f) => f.id === 'field-url');
    await page.keyboard.type(h.hec.url);
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => document.activeElement?.id === 'field-token');
    await page.keyboard.type(HEC_TOKEN);
    await page.keyboard.press('Enter');
    await withText(page, '#stream-title', 'Keyboard HEC').waitFor();

    await tabTo((f) => f.testId === 'toggle-enabled');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=stream-page][data-status=paused]').waitFor();
    await focusOn('toggle-enabled');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=stream-page] .badge:not(.badge-paused)').waitFor();

    await tabTo((f) => f.testId === 'delete-stream');
    await page.keyboard.press('Enter');
    // The question takes focus on its confirm button.
    await focusOn('delete-stream-confirm');
    await page.keyboard.press('Enter');
    await withText(page, 'h1', 'Streams').waitFor();
    await page.locator('[data-testid=streams-table]').waitFor();
    expect(await page.locator('[data-testid=stream-link]', { hasText: 'Keyboard HEC' }).count()).toBe(0);
    expect(r.problems).toEqual([]);
  });

  it('fits a 390 px phone and follows a dark system theme', async () => {
    const r = await h.newPage({ width: 390, height: 844, colorScheme: 'dark' });
    const { page } = r;
    await signInByFragment(r, admin);
    await page.locator(`tr[data-stream-id="${streamId}"]`).waitFor();
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await fits()).toBe(true);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(17, 20, 24)');
    await page.screenshot({ path: `${DOCS}console-phone.png` });
    await page.goto(`${h.origin}/console/#/streams/${streamId}`);
    await page.getByTestId('chart-events').locator('canvas').first().waitFor();
    expect(await fits()).toBe(true);
    await page.goto(`${h.origin}/console/#/streams/new`);
    await page.getByTestId('stream-form').waitFor();
    expect(await fits()).toBe(true);
    expect(r.problems).toEqual([]);
  });
});
