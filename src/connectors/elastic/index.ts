/** The Elasticsearch connector definition (protocols.md §3). */
import type { ConnectorDefinition } from '../shared/types.ts';
import { elasticConfigSchema, elasticSecretFields, validateElasticConfig, type ElasticConfig } from './config.ts';
import { createElasticConnector } from './sender.ts';

export const elasticConnector: ConnectorDefinition<ElasticConfig> = {
  type: 'elastic',
  className: 'ElasticsearchConnector',
  displayName: 'Elasticsearch',
  configSchema: elasticConfigSchema,
  secretFields: elasticSecretFields,
  validate: validateElasticConfig,
  endpointOf: (config) => config.host,
  create: createElasticConnector,
};
