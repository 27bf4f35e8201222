/** Palo Alto Cortex XSIAM, through a custom HTTP log collector (protocols.md §6.1). */
import type { ConnectorDefinition } from '../shared/types.ts';
import {
  collectorUrl,
  cortexXsiamConfigSchema,
  cortexXsiamSecretFields,
  cortexXsiamDestinationFields,
  validateCortexXsiamConfig,
  type CortexXsiamConfig,
} from './config.ts';
import { createXsiamConnector } from './sender.ts';

export const cortexXsiamConnector: ConnectorDefinition<CortexXsiamConfig> = {
  type: 'cortex_xsiam',
  className: 'CortexXSIAMConnector',
  displayName: 'Cortex XSIAM',
  configSchema: cortexXsiamConfigSchema,
  secretFields: cortexXsiamSecretFields,
  destinationFields: cortexXsiamDestinationFields,
  validate: validateCortexXsiamConfig,
  endpointOf: (config) => collectorUrl(config.url),
  create: createXsiamConnector,
};
