/** The Elasticsearch connector definition (protocols.md §3). */
import type { ConnectorDefinition } from '../shared/types.ts';
import { elasticAuthorization, elasticConfigSchema, elasticSecretFields, elasticDestinationFields, validateElasticConfig, type ElasticConfig } from './config.ts';
import { createElasticConnector } from './sender.ts';

export const elasticConnector: ConnectorDefinition<ElasticConfig> = {
  type: 'elastic',
  className: 'ElasticsearchConnector',
  displayName: 'Elasticsearch',
  configSchema: elasticConfigSchema,
  secretFields: elasticSecretFields,
  destinationFields: elasticDestinationFields,
  // `Basic base64(user:password)` is not a field's value; `ApiKey <api_key>` contains one.
  sentCredentials: (config) => {
    const header = elasticAuthorization(config);
    return header ? [header.replace(/^\S+ /, '')] : [];
  },
  validate: validateElasticConfig,
  endpointOf: (config) => config.host,
  create: createElasticConnector,
};
