/**
 * XSIAM connection test: the collector has no health or credential-check path (protocols.md §6.1), so the test is
 * the real thing — POST the synthetic event and expect 200.
 */
import { testResultFromOutcome } from '../shared/connection-test.ts';
import type { ConnectionTestResult, DeliveryEvent, DeliveryOutcome } from '../shared/types.ts';

export async function testXsiamConnection(
  event: DeliveryEvent,
  send: (events: readonly DeliveryEvent[]) => Promise<DeliveryOutcome>,
): Promise<ConnectionTestResult> {
  return testResultFromOutcome(await send([event]));
}
