/**
 * Elasticsearch connection test (protocols.md §3.8): check the credentials with `GET /_security/_authenticate`
 * (a cluster without security answers that with 400/404/500 → fall back to `GET /`), then send the synthetic event
 * through `_bulk` at once. Failures report Elasticsearch's own `type: reason`.
 */
import { classifyTransportError, describeHttpStatus } from '../shared/classify.ts';
import { testResultFromOutcome } from '../shared/connection-test.ts';
import type { ConnectionTestResult, ConnectorDeps, DeliveryEvent, DeliveryOutcome, HttpResponse } from '../shared/types.ts';
import { esResponseErrorText } from './classify.ts';
import { elasticAuthorization, elasticBaseUrl, type ElasticConfig } from './config.ts';

interface TestContext {
  config: ElasticConfig;
  deps: ConnectorDeps;
  send(events: readonly DeliveryEvent[]): Promise<DeliveryOutcome>;
}

export async function testElasticConnection(ctx: TestContext, event: DeliveryEvent): Promise<ConnectionTestResult> {
  const credentialProblem = await checkCredentials(ctx);
  if (credentialProblem) return credentialProblem;

  const outcome = await ctx.send([event]);
  if (outcome.kind === 'success') return testResultFromOutcome(outcome);
  // One event: a partial answer is that event's own rejection (or retry), reported with ES's reason.
  const detail = outcome.kind === 'partial' && outcome.rejected.length > 0 ? outcome.rejected[0].reason : outcome.message ?? outcome.kind;
  return { success: false, status: outcome.status, message: `Elasticsearch did not accept the test event: ${detail}`, eventsSent: 0 };
}

/** A cluster without security (or an OpenSearch/proxy without the API) cannot answer `_authenticate`. */
function securityUnavailable(res: HttpResponse, text: string): boolean {
  if ([400, 404, 405, 410].includes(res.status)) return true;
  return res.status === 500 && /security.*(not enabled|must be explicitly enabled|disabled)/i.test(text);
}

async function checkCredentials({ config, deps }: TestContext): Promise<ConnectionTestResult | undefined> {
  const base = elasticBaseUrl(config);
  const headers: Record<string, string> = { Accept: 'application/json' };
  const authorization = elasticAuthorization(config);
  if (authorization) headers.Authorization = authorization;
  const get = (path: string) =>
    deps.http.request({ method: 'GET', url: `${base}${path}`, headers, timeoutMs: config.timeout_ms, verifySsl: config.verify_ssl });

  try {
    let res = await get('/_security/_authenticate');
    let text = res.text();
    if (res.status === 200) return undefined;
    if (securityUnavailable(res, text)) {
      res = await get('/');
      text = res.text();
      if (res.status >= 200 && res.status < 300) return undefined;
    }
    const detail = describeHttpStatus(res.status, esResponseErrorText(text), res.statusText);
    const message =
      res.status === 401 || res.status === 403
        ? `Elasticsearch rejected the credentials (${detail})`
        : `Elasticsearch credential check failed (${detail})`;
    return { success: false, status: res.status, message, eventsSent: 0 };
  } catch (err) {
    return { success: false, message: `Could not reach Elasticsearch: ${classifyTransportError(err).message}`, eventsSent: 0 };
  }
}
