/** Any HTTP collector: JSON array or NDJSON, Bearer / custom header auth, optional HMAC body signature (README.md). */
import type { ConnectorDefinition } from '../shared/types.ts';
import { httpConfigSchema, httpSecretFields, httpDestinationFields, validateHttpConfig, type HttpConfig } from './config.ts';
import { createHttpConnector } from './sender.ts';

export const httpConnector: ConnectorDefinition<HttpConfig> = {
  type: 'http',
  className: 'HTTPConnector',
  displayName: 'HTTP',
  configSchema: httpConfigSchema,
  secretFields: httpSecretFields,
  destinationFields: httpDestinationFields,
  validate: validateHttpConfig,
  endpointOf: (config) => config.url,
  create: createHttpConnector,
};
