import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSentinelSettings, type LogsIngestionSettings } from '../../../src/connectors/sentinel/config.ts';
import { createTokenCache, entraErrorText } from '../../../src/connectors/sentinel/token-cache.ts';
import { createConnectorDeps } from '../../../src/connectors/shared/deps.ts';
import { startSentinelMock, type SentinelMockReceiver } from './mock-receiver.ts';

let clock = Date.UTC(2026, 10, 21, 12, 0, 0);
const now = () => clock;
const deps = createConnectorDeps({ egressAllow: ['127.0.0.1'], now });
let mock: SentinelMockReceiver;

beforeAll(async () => {
  mock = await startSentinelMock({ now });
});
afterAll(async () => {
  await mock.close();
  await deps.close();
});

function cacheFor(extra: Record<string, unknown> = {}) {
  const settings = resolveSentinelSettings(mock.ingestionConfig(extra)) as LogsIngestionSettings;
  return createTokenCache({ http: deps.http, settings, now, timeoutMs: 2_000 });
}

describe('Entra ID token cache', () => {
  it('fetches once, then serves the cached token until 5 minutes before expiry', async () => {
    const tokens = cacheFor();
    const before = mock.tokenRequestCount();
    const first = await tokens.get();
    expect(first).toEqual({ ok: true, token: expect.any(String) });
    expect(tokens.peek()).toBe(first.ok && first.token);
    clock += (3599 - 301) * 1000;
    expect(await tokens.get()).toEqual(first);
    expect(mock.tokenRequestCount()).toBe(before + 1);
    clock += 2_000; // now inside the 5-minute margin
    expect(tokens.peek()).toBeUndefined();
    const second = await tokens.get();
    expect(second.ok && second.token).not.toBe(first.ok && first.token);
    expect(mock.tokenRequestCount()).toBe(before + 2);
  });

  it('sends the client-credentials form with the monitor scope', async () => {
    await cacheFor().get();
    const last = mock.requests().at(-1)!;
    expect(last.api).toBe('token');
    expect(last.path).toBe(`/${mock.tenantId}/oauth2/v2.0/token`);
    expect(last.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(last.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: mock.clientId,
      client_secret: '***', // masked by the mock; it checked the real value
      scope: 'https://monitor.azure.com//.default',
    });
    expect(last.status).toBe(200);
  });

  it('shares one request between concurrent callers', async () => {
    const tokens = cacheFor();
    const before = mock.tokenRequestCount();
    const results = await Promise.all([tokens.get(), tokens.get(), tokens.get()]);
    expect(new Set(results.map((r) => r.ok && r.token)).size).toBe(1);
    expect(mock.tokenRequestCount()).toBe(before + 1);
  });

  it('forgets an invalidated token (a 401 from the endpoint), but not a newer one', async () => {
    const tokens = cacheFor();
    const a = await tokens.get();
    tokens.invalidate('some-older-token');
    expect(tokens.peek()).toBe(a.ok && a.token);
    tokens.invalidate(a.ok ? a.token : '');
    expect(tokens.peek()).toBeUndefined();
    const b = await tokens.get();
    expect(b.ok && b.token).not.toBe(a.ok && a.token);
  });

  it.each([
    [{ client_secret: 'wrong' }, /^Entra ID token request failed: HTTP 400 Bad Request: invalid_client: AADSTS7000215: Invalid client secret provided\./],
    [{ client_id: '11111111-2222-3333-4444-555555555555' }, /unauthorized_client: AADSTS700016: Application with identifier '11111111-/],
    [{ tenant_id: 'contoso.onmicrosoft.com' }, /invalid_request: AADSTS90002: Tenant 'contoso.onmicrosoft.com' not found/],
  ])('reports Entra refusals as auth with the AADSTS text (%j)', async (extra, message) => {
    const result = await cacheFor(extra).get();
    expect(result).toEqual({ ok: false, outcome: { kind: 'auth', status: 400, message: expect.stringMatching(message) } });
    // Entra's trace lines are dropped, and the secret never appears.
    expect(!result.ok && result.outcome.message).not.toMatch(/Trace ID|Mock~Client|wrong/);
  });

  it('treats an unreachable authority as retryable', async () => {
    const result = await cacheFor({ authority_url: 'http://127.0.0.1:1' }).get();
    expect(result).toMatchObject({ ok: false, outcome: { kind: 'retry', message: expect.stringMatching(/^Entra ID token request failed: /) } });
  });

  it('reads Entra error bodies', () => {
    expect(entraErrorText('{"error":"invalid_scope","error_description":"AADSTS70011: bad scope.\\r\\nTrace ID: x"}')).toBe(
      'invalid_scope: AADSTS70011: bad scope.',
    );
    expect(entraErrorText('{"error":"temporarily_unavailable"}')).toBe('temporarily_unavailable');
    expect(entraErrorText('<html>  gateway\n error </html>')).toBe('<html> gateway error </html>');
  });
});
