/** The Sumo Logic HTTP Logs source connector definition (protocols.md §5). */
import type { ConnectorDefinition } from '../shared/types.ts';
import { maskedSourceUrl, sumoLogicConfigSchema, sumoLogicSecretFields, sumoLogicDestinationFields, validateSumoLogicConfig, type SumoLogicConfig } from './config.ts';
import { createSumoLogicConnector } from './sender.ts';

export const sumoLogicConnector: ConnectorDefinition<SumoLogicConfig> = {
  type: 'sumo_logic',
  className: 'SumoLogicConnector',
  displayName: 'Sumo Logic',
  configSchema: sumoLogicConfigSchema,
  secretFields: sumoLogicSecretFields,
  destinationFields: sumoLogicDestinationFields,
  validate: validateSumoLogicConfig,
  endpointOf: maskedSourceUrl,
  create: createSumoLogicConnector,
};
