/**
 * The connection test: the synthetic event goes straight to /services/collector/event (no queue, no ack wait).
 * Only a real POST proves the token: /services/collector/health answers 200 whatever the token (protocols.md §1.10).
 */
import { classifyTransportError } from '../shared/classify.ts';
import { testResultFromOutcome } from '../shared/connection-test.ts';
import { sendEncoded } from '../shared/send-request.ts';
import type { ConnectionTestResult, DeliveryEvent, DeliveryOutcome, HttpTransport } from '../shared/types.ts';
import { classifyHecResponse } from './classify.ts';
import type { HecEncoder } from './encoder.ts';

export interface HecTestContext {
  http: HttpTransport;
  encoder: HecEncoder;
  transportOpts: { timeoutMs?: number; verifySsl?: boolean };
  now: () => number;
}

export async function testSplunkHec(ctx: HecTestContext, event: DeliveryEvent): Promise<ConnectionTestResult> {
  let outcome: DeliveryOutcome;
  try {
    const res = await sendEncoded(ctx.http, ctx.encoder.events([event]), ctx.transportOpts);
    outcome = classifyHecResponse({ ...res, text: res.text() }, 1, ctx.now());
  } catch (err) {
    outcome = classifyTransportError(err);
  }
  if (outcome.kind === 'partial') {
    // One event: "partial" can only mean Splunk rejected it.
    const reason = outcome.rejected[0]?.reason ?? 'rejected';
    return testResultFromOutcome({ kind: 'permanent', status: outcome.status, message: `Splunk HEC rejected the test event: ${reason}, HTTP ${outcome.status}` });
  }
  return testResultFromOutcome(outcome);
}
