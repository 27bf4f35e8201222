/**
 * The strict mock must accept what Microsoft's own client sends: drive it with `@azure/monitor-ingestion`
 * (LogsIngestionClient.upload) and a minimal TokenCredential that fetches from the mock's token endpoint.
 * The SDK refuses bearer auth over plain http, so the client talks to an https:// DCE name and a pass-through
 * HttpClient delivers each request, byte for byte, to the mock on 127.0.0.1.
 */
import { LogsIngestionClient, isAggregateLogsUploadError } from '@azure/monitor-ingestion';
import type { TokenCredential } from '@azure/core-auth';
// A dependency of @azure/monitor-ingestion: the SDK's own default HTTP client.
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSentinelMock, type SentinelMockReceiver } from './mock-receiver.ts';

let mock: SentinelMockReceiver;
let client: LogsIngestionClient;
const scopesRequested: string[] = [];

beforeAll(async () => {
  mock = await startSentinelMock();
  const credential: TokenCredential = {
    async getToken(scopes) {
      const scope = [scopes].flat()[0];
      scopesRequested.push(scope);
      const res = await fetch(`${mock.url}/${mock.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: mock.clientId, client_secret: mock.clientSecret, scope }),
      });
      const body = (await res.json()) as { access_token: string; expires_in: number };
      return { token: body.access_token, expiresOnTimestamp: Date.now() + body.expires_in * 1000 };
    },
  };
  const sdkHttp = createDefaultHttpClient();
  const toMock: HttpClient = {
    sendRequest(request) {
      request.url = request.url.replace(/^https:\/\/[^/]+/, mock.url);
      request.allowInsecureConnection = true;
      return sdkHttp.sendRequest(request);
    },
  };
  client = new LogsIngestionClient('https://my-dce.westeurope-1.ingest.monitor.azure.com', credential, {
    httpClient: toMock,
    retryOptions: { maxRetries: 0 },
  });
});
afterAll(async () => {
  await mock.close();
});

describe('the strict Logs Ingestion mock vs @azure/monitor-ingestion', () => {
  it('accepts an upload exactly as the SDK sends it (204)', async () => {
    const logs = Array.from({ length: 3 }, (_, i) => ({ TimeGenerated: new Date(Date.UTC(2026, 10, 21, 12, i)).toISOString(), Computer: `host-${i}`, n: i }));
    await client.upload(mock.dcrImmutableId, mock.streamName, logs);
    expect(mock.records().slice(-3)).toEqual(logs);
    const last = mock.requests().at(-1)!;
    expect(last).toMatchObject({ api: 'logs_ingestion', status: 204, path: `/dataCollectionRules/${mock.dcrImmutableId}/streams/${mock.streamName}` });
    // protocols.md §10: the SDK percent-encodes the query key and gzips every chunk.
    expect(last.rawQuery).toBe('api%2Dversion=2023-01-01');
    expect(last.headers['content-encoding']).toBe('gzip');
    expect(last.headers['content-type']).toBe('application/json');
    // §10: the SDK asks for the single-slash scope, which the mock (like Entra) accepts alongside the double-slash one.
    expect(scopesRequested[0]).toBe('https://monitor.azure.com/.default');
  });

  it('surfaces the mock’s Azure error shape through the SDK', async () => {
    mock.failNext('auth');
    const err = await client.upload(mock.dcrImmutableId, mock.streamName, [{ TimeGenerated: new Date().toISOString() }]).catch((e: unknown) => e);
    expect(isAggregateLogsUploadError(err)).toBe(true);
    const cause = (err as { errors: { cause: Error & { code?: string; statusCode?: number } }[] }).errors[0].cause;
    expect(cause.code).toBe('OperationFailed');
    expect(cause.statusCode).toBe(403);
  });

  it('rejects the SDK’s records when they miss the declared TimeGenerated column', async () => {
    const err = await client.upload(mock.dcrImmutableId, mock.streamName, [{ Computer: 'x' }]).catch((e: unknown) => e);
    expect(isAggregateLogsUploadError(err)).toBe(true);
    expect(mock.requests().at(-1)).toMatchObject({ status: 400 });
  });
});
