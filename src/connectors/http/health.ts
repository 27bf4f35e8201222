/** HTTP collector connection test: an arbitrary collector has no credential-check path, so it is one real delivery. */
import { testResultFromOutcome } from '../shared/connection-test.ts';
import type { ConnectionTestResult, DeliveryEvent, DeliveryOutcome } from '../shared/types.ts';

export async function testHttpConnection(
  event: DeliveryEvent,
  send: (events: readonly DeliveryEvent[]) => Promise<DeliveryOutcome>,
): Promise<ConnectionTestResult> {
  return testResultFromOutcome(await send([event]));
}
