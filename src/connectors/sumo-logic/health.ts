/**
 * Sumo Logic connection test. HTTP sources have no health or credential endpoint: the synthetic event is POSTed
 * as one line (it will be ingested); 200 means the URL token is valid, 401 that it is not.
 */
import { testResultFromOutcome } from '../shared/connection-test.ts';
import type { ConnectionTestResult, Deliver, DeliveryEvent } from '../shared/types.ts';

export async function testSumoLogicConnection(deliver: Deliver, event: DeliveryEvent): Promise<ConnectionTestResult> {
  return testResultFromOutcome(await deliver([event]));
}
