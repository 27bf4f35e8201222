/**
 * The synthetic event a connection test sends. API Activity (6003) rather than Authentication: a fake sign-in
 * could trip a customer's login analytics, an API call labelled as a test does not. Activity 99 (Other) labelled
 * "Connection Test"; `metadata.labels` and `message` let a SIEM search or filter it out.
 */
import { randomUUID } from 'node:crypto';
import type { OcsfEvent } from '../connectors/shared/types.ts';
import { eventHeader } from './event-header.ts';
import { compact } from './compact.ts';
import { DEFAULT_PRODUCT, OCSF_VERSION, STATUS_CAPTIONS, type OcsfProduct } from './vocabulary.ts';

export const TEST_EVENT_LABELS = ['siemstream-test', 'connection-test'] as const;
export const TEST_EVENT_MESSAGE = 'siemstream connection test';

export interface SyntheticTestEventOptions {
  orgId?: string;
  /** The connector under test, recorded in `unmapped.connector_type`. */
  connectorType?: string;
  /** Epoch ms. */
  now: number;
  /** metadata.uid (default: a random UUID). */
  uid?: string;
  product?: OcsfProduct;
}

export function syntheticTestEvent(opts: SyntheticTestEventOptions): OcsfEvent {
  return compact({
    ...eventHeader(6003, 99, 1, 'Connection Test'),
    time: opts.now,
    message: TEST_EVENT_MESSAGE,
    metadata: compact({
      uid: opts.uid ?? randomUUID(),
      version: OCSF_VERSION,
      product: { ...(opts.product ?? DEFAULT_PRODUCT) },
      labels: [...TEST_EVENT_LABELS],
      event_code: 'siemstream.connection_test',
      tenant_uid: opts.orgId,
    }),
    actor: { app_name: 'siemstream' },
    api: { operation: 'connection_test' },
    // OCSF requires a source endpoint; siemstream itself is the source (named, no address to disclose).
    src_endpoint: { name: 'siemstream' },
    status_id: 1,
    status: STATUS_CAPTIONS[1],
    unmapped: opts.connectorType ? { connector_type: opts.connectorType } : undefined,
  }) as unknown as OcsfEvent;
}
