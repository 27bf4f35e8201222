import { describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../../../src/connectors/shared/config-schema.ts';
import { elasticConnector } from '../../../src/connectors/elastic/index.ts';
import { bulkUrl, elasticAuthorization, type ElasticConfig } from '../../../src/connectors/elastic/config.ts';

const schemaIssues = (config: unknown) => validateAgainstSchema(elasticConnector.configSchema, config);
const validate = (config: ElasticConfig) => elasticConnector.validate!(config);
const ENCODED = Buffer.from('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw').toString('base64');

describe('elastic config', () => {
  it('accepts the Arbitex example, basic auth, no auth, and data stream options', () => {
    expect(schemaIssues({ host: 'https://elastic.example.com:9200', api_key: ENCODED, index: 'arbitex-audit' })).toEqual([]);
    expect(schemaIssues({ host: 'https://es:9200', username: 'u', password: 'p', data_stream: true, index: 'logs-ocsf-default', pipeline: 'ocsf', compression: 'none' })).toEqual([]);
    expect(validate({ host: 'https://es:9200', username: 'u', password: 'p' })).toEqual([]);
    expect(validate({ host: 'https://es:9200' })).toEqual([]);
    expect(validate({ host: 'https://elastic.example.com:9200', api_key: ENCODED })).toEqual([]);
  });

  it('requires host and rejects unknown fields and invalid index names', () => {
    expect(schemaIssues({ api_key: ENCODED })).toContainEqual({ path: ['host'], message: 'Field required', type: 'missing' });
    expect(schemaIssues({ host: 'https://es:9200', user: 'x' })[0]).toMatchObject({ path: ['user'], type: 'extra_forbidden' });
    for (const index of ['OCSF', 'a b', '_private', 'a/b', 'x:y', '..']) {
      expect(schemaIssues({ host: 'https://es:9200', index }).map((i) => i.path)).toEqual([['index']]);
    }
    expect(schemaIssues({ host: 'https://es:9200', api_key: 'id:key' }).map((i) => i.path)).toEqual([['api_key']]);
  });

  it('allows exactly one auth form', () => {
    expect(validate({ host: 'https://es:9200', api_key: ENCODED, username: 'u', password: 'p' })).toEqual([
      { path: ['api_key'], message: 'Use either api_key or username + password, not both', type: 'value_error' },
    ]);
    expect(validate({ host: 'https://es:9200', username: 'u' })).toEqual([
      { path: ['password'], message: 'Field required when username is set', type: 'missing' },
    ]);
    expect(validate({ host: 'https://es:9200', password: 'p' })[0].path).toEqual(['username']);
  });

  it('wants the encoded API key, not the bare secret', () => {
    expect(validate({ host: 'https://es:9200', api_key: 'ui2lp2axTNmsyakw9tvNnw' })[0]).toMatchObject({ path: ['api_key'], type: 'value_error' });
  });

  it('rejects hosts with queries or credentials', () => {
    expect(validate({ host: 'https://es:9200/?x=1' })[0].path).toEqual(['host']);
    expect(validate({ host: 'https://u:p@es:9200' })[0].path).toEqual(['host']);
  });

  it('builds the bulk URL and Authorization header', () => {
    expect(bulkUrl({ host: 'https://es:9200/' })).toBe('https://es:9200/_bulk');
    expect(bulkUrl({ host: 'https://proxy.example.com/es/_bulk' })).toBe('https://proxy.example.com/es/_bulk');
    expect(bulkUrl({ host: 'https://es:9200', pipeline: 'ocsf enrich' })).toBe('https://es:9200/_bulk?pipeline=ocsf%20enrich');
    expect(elasticAuthorization({ host: 'h', api_key: ENCODED })).toBe(`ApiKey ${ENCODED}`);
    expect(elasticAuthorization({ host: 'h', username: 'elastic', password: 'pä:ss' })).toBe(
      `Basic ${Buffer.from('elastic:pä:ss').toString('base64')}`,
    );
    expect(elasticAuthorization({ host: 'h' })).toBeUndefined();
  });

  it('declares secrets and the endpoint shown to users', () => {
    expect(elasticConnector.secretFields).toEqual(['api_key', 'password']);
    expect(elasticConnector.endpointOf({ host: 'https://elastic.example.com:9200' })).toBe('https://elastic.example.com:9200');
    expect(elasticConnector.className).toBe('ElasticsearchConnector');
  });
});
