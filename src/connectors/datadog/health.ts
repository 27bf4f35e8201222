/**
 * Datadog connection test: validate the API key (`GET /api/v1/validate` on the API host, protocols.md §2.7), then
 * send the synthetic event to the intake at once. Failures report Datadog's own error text.
 */
import { classifyTransportError, describeHttpStatus } from '../shared/classify.ts';
import { testResultFromOutcome } from '../shared/connection-test.ts';
import type { ConnectionTestResult, ConnectorDeps, DeliveryEvent, DeliveryOutcome } from '../shared/types.ts';
import { datadogErrorText } from './classify.ts';
import { validateUrl, type DatadogConfig } from './config.ts';

interface TestContext {
  config: DatadogConfig;
  deps: ConnectorDeps;
  send(events: readonly DeliveryEvent[]): Promise<DeliveryOutcome>;
}

export async function testDatadogConnection(ctx: TestContext, event: DeliveryEvent): Promise<ConnectionTestResult> {
  const keyProblem = await checkApiKey(ctx);
  if (keyProblem) return keyProblem;

  const outcome = await ctx.send([event]);
  const result = testResultFromOutcome(outcome);
  return result.success ? result : { ...result, message: `Datadog did not accept the test event: ${result.message}` };
}

/** undefined when the key is valid (or the endpoint is a relay without the validate API); else the failed result. */
async function checkApiKey({ config, deps }: TestContext): Promise<ConnectionTestResult | undefined> {
  const url = validateUrl(config);
  let res;
  try {
    res = await deps.http.request({
      method: 'GET',
      url,
      headers: { 'DD-API-KEY': config.api_key, Accept: 'application/json' },
      timeoutMs: config.timeout_ms,
      verifySsl: config.verify_ssl,
    });
  } catch (err) {
    return { success: false, message: `Could not reach the Datadog API to validate the API key: ${classifyTransportError(err).message}`, eventsSent: 0 };
  }
  const text = res.text();
  if (res.status === 200 && isValidTrue(text)) return undefined;
  // An endpoint_url pointing at a relay or proxy (not a Datadog intake host) may not serve the validate API.
  const datadogHost = new URL(url).hostname.startsWith('api.');
  if (!datadogHost && (res.status === 404 || res.status === 405)) return undefined;
  const detail = describeHttpStatus(res.status, datadogErrorText(text), res.statusText);
  const what = res.status === 401 || res.status === 403 || res.status === 200 ? 'Datadog rejected the API key' : 'Datadog API key validation failed';
  return { success: false, status: res.status, message: `${what} (${detail})`, eventsSent: 0 };
}

function isValidTrue(text: string): boolean {
  try {
    return (JSON.parse(text) as { valid?: unknown } | null)?.valid === true;
  } catch {
    return false;
  }
}
