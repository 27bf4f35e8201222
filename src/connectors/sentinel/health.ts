/**
 * Sentinel connection tests: one synthetic event sent at once.
 * - Logs Ingestion: the token request first (it alone validates tenant, client and secret, and reports Entra's
 *   AADSTS text), then the POST (204).
 * - Legacy Data Collector: the POST (200); every answer also carries the API's retirement notice.
 */
import { testResultFromOutcome } from '../shared/connection-test.ts';
import type { ConnectionTestResult, Deliver, DeliveryEvent } from '../shared/types.ts';
import { LEGACY_RETIREMENT_WARNING } from './config.ts';
import type { TokenCache } from './token-cache.ts';

export async function testLogsIngestionConnection(
  ctx: { tokens: TokenCache; deliver: Deliver },
  event: DeliveryEvent,
): Promise<ConnectionTestResult> {
  const token = await ctx.tokens.get();
  if (!token.ok) return { success: false, status: token.outcome.status, message: token.outcome.message, eventsSent: 0 };
  return testResultFromOutcome(await ctx.deliver([event]));
}

export async function testDataCollectorConnection(deliver: Deliver, event: DeliveryEvent): Promise<ConnectionTestResult> {
  const result = testResultFromOutcome(await deliver([event]));
  return { ...result, message: `${result.message.replace(/\.?$/, '.')} Warning: ${LEGACY_RETIREMENT_WARNING}` };
}
