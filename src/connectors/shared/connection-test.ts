/** A delivery outcome seen as a connection-test answer (SPEC §4: the AuthOS success text, else the SIEM's own text). */
import { describeHttpStatus } from './classify.ts';
import type { ConnectionTestResult, DeliveryOutcome } from './types.ts';

export function testResultFromOutcome(outcome: DeliveryOutcome, eventsSent = 1): ConnectionTestResult {
  if (outcome.kind === 'success') {
    if (outcome.status === undefined) {
      return { success: true, message: 'Successfully connected to SIEM endpoint', eventsSent };
    }
    // "HTTP 200 OK" → "200 OK": the seed's exact wording.
    const statusLine = describeHttpStatus(outcome.status, '').replace(/^HTTP /, '');
    return {
      success: true,
      status: outcome.status,
      message: `Successfully connected to SIEM endpoint (status: ${statusLine})`,
      eventsSent,
    };
  }
  return { success: false, status: outcome.status, message: outcome.message ?? outcome.kind, eventsSent: 0 };
}
