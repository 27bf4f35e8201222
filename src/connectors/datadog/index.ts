/** The Datadog Logs connector definition (protocols.md §2). */
import type { ConnectorDefinition } from '../shared/types.ts';
import { datadogConfigSchema, datadogSecretFields, datadogDestinationFields, intakeUrl, validateDatadogConfig, type DatadogConfig } from './config.ts';
import { createDatadogConnector } from './sender.ts';

export const datadogConnector: ConnectorDefinition<DatadogConfig> = {
  type: 'datadog',
  className: 'DatadogConnector',
  displayName: 'Datadog',
  configSchema: datadogConfigSchema,
  secretFields: datadogSecretFields,
  destinationFields: datadogDestinationFields,
  validate: validateDatadogConfig,
  endpointOf: intakeUrl,
  create: createDatadogConnector,
};
