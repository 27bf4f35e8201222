/** Splunk HTTP Event Collector (protocols.md §1). */
import type { ConnectorDefinition } from '../shared/types.ts';
import { splunkHecConfigSchema, splunkHecSecretFields, splunkHecDestinationFields, validateSplunkHecConfig, type SplunkHecConfig } from './config.ts';
import { createSplunkHecConnector } from './sender.ts';

export type { SplunkHecConfig } from './config.ts';

export const splunkHecConnector: ConnectorDefinition<SplunkHecConfig> = {
  type: 'splunk_hec',
  className: 'SplunkHECConnector',
  displayName: 'Splunk HEC',
  configSchema: splunkHecConfigSchema,
  secretFields: splunkHecSecretFields,
  destinationFields: splunkHecDestinationFields,
  validate: validateSplunkHecConfig,
  endpointOf: (config) => config.url,
  create: (config, deps) => createSplunkHecConnector(config, deps),
};
