/** The Microsoft Sentinel connector definition (protocols.md §4): Logs Ingestion API, or the legacy Data Collector. */
import type { ConnectorDefinition } from '../shared/types.ts';
import {
  sentinelBaseUrl,
  sentinelConfigSchema,
  sentinelSecretFields,
  sentinelDestinationFields,
  sentinelWarnings,
  validateSentinelConfig,
  type SentinelConfig,
} from './config.ts';
import { createSentinelConnector } from './sender.ts';

export const sentinelConnector: ConnectorDefinition<SentinelConfig> = {
  type: 'sentinel',
  className: 'SentinelConnector',
  displayName: 'Microsoft Sentinel',
  configSchema: sentinelConfigSchema,
  secretFields: sentinelSecretFields,
  destinationFields: sentinelDestinationFields,
  validate: validateSentinelConfig,
  warnings: sentinelWarnings,
  endpointOf: sentinelBaseUrl,
  create: createSentinelConnector,
};
