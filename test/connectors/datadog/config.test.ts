import { describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../../../src/connectors/shared/config-schema.ts';
import { datadogConnector } from '../../../src/connectors/datadog/index.ts';
import { intakeUrl, validateUrl, type DatadogConfig } from '../../../src/connectors/datadog/config.ts';

const schemaIssues = (config: unknown) => validateAgainstSchema(datadogConnector.configSchema, config);

describe('datadog config schema', () => {
  it('accepts the Arbitex example and the AuthOS seed form', () => {
    expect(schemaIssues({ api_key: 'k', site: 'datadoghq.com', service: 'arbitex' })).toEqual([]);
    expect(schemaIssues({ api_key: 'k', endpoint_url: 'https://http-intake.logs.datadoghq.com/v1/input' })).toEqual([]);
    expect(
      schemaIssues({
        api_key: 'k',
        site: 'us5.datadoghq.com',
        source: 'authos',
        tags: 'env:prod,team:sec',
        hostname: 'sso-1',
        compression: 'none',
        verify_ssl: false,
        timeout_ms: 2000,
      }),
    ).toEqual([]);
  });

  it('requires api_key and rejects unknown fields', () => {
    expect(schemaIssues({ site: 'datadoghq.eu' })).toContainEqual({ path: ['api_key'], message: 'Field required', type: 'missing' });
    expect(schemaIssues({ api_key: 'k', region: 'eu' })).toContainEqual(
      expect.objectContaining({ path: ['region'], type: 'extra_forbidden' }),
    );
  });

  it('rejects malformed sites, tags, compression and URLs', () => {
    expect(schemaIssues({ api_key: 'k', site: 'https://datadoghq.com' }).map((i) => i.path)).toEqual([['site']]);
    expect(schemaIssues({ api_key: 'k', site: 'localhost' }).map((i) => i.path)).toEqual([['site']]);
    expect(schemaIssues({ api_key: 'k', tags: 'env:prod, team:sec' }).map((i) => i.path)).toEqual([['tags']]);
    expect(schemaIssues({ api_key: 'k', tags: ['env:prod'] }).map((i) => i.path)).toEqual([['tags']]);
    expect(schemaIssues({ api_key: 'k', compression: 'zstd' }).map((i) => i.path)).toEqual([['compression']]);
    expect(schemaIssues({ api_key: 'k', endpoint_url: 'ftp://example.com/x' }).map((i) => i.path)).toEqual([['endpoint_url']]);
    expect(schemaIssues({ api_key: 'has space' }).map((i) => i.path)).toEqual([['api_key']]);
  });

  it('validate() catches a UI or intake host pasted as the site, and credentials in the URL', () => {
    const validate = datadogConnector.validate!;
    expect(validate({ api_key: 'k', site: 'app.datadoghq.eu' })).toEqual([
      { path: ['site'], message: 'Use the site without a host prefix, e.g. "datadoghq.eu"', type: 'value_error' },
    ]);
    expect(validate({ api_key: 'k', site: 'http-intake.logs.datadoghq.com' })[0].path).toEqual(['site']);
    expect(validate({ api_key: 'k', endpoint_url: 'https://u:p@intake.example.com/api/v2/logs' })[0].path).toEqual(['endpoint_url']);
    expect(validate({ api_key: 'k', site: 'ap2.datadoghq.com', endpoint_url: 'https://relay.example.com/logs' })).toEqual([]);
    // The key in the query would be stored in plaintext and shown in every response.
    expect(validate({ api_key: 'k', endpoint_url: 'https://http-intake.logs.datadoghq.com/v1/input?dd-api-key=abc' })).toEqual([
      { path: ['endpoint_url'], message: 'URL must not carry credentials in its query (dd-api-key); use the api_key field', type: 'value_error' },
    ]);
    expect(validate({ api_key: 'k', endpoint_url: 'https://http-intake.logs.datadoghq.com/v1/input?ddsource=ocsf' })).toEqual([]);
  });

  it('marks api_key as the only secret', () => {
    expect(datadogConnector.secretFields).toEqual(['api_key']);
  });
});

describe('datadog URLs', () => {
  const cfg = (c: Partial<DatadogConfig>): DatadogConfig => ({ api_key: 'k', ...c });

  it('derives intake and validate URLs from the site (default datadoghq.com)', () => {
    expect(intakeUrl(cfg({}))).toBe('https://http-intake.logs.datadoghq.com/api/v2/logs');
    expect(intakeUrl(cfg({ site: 'datadoghq.eu' }))).toBe('https://http-intake.logs.datadoghq.eu/api/v2/logs');
    expect(validateUrl(cfg({}))).toBe('https://api.datadoghq.com/api/v1/validate');
    expect(validateUrl(cfg({ site: 'us3.datadoghq.com' }))).toBe('https://api.us3.datadoghq.com/api/v1/validate');
  });

  it('uses endpoint_url verbatim for intake and maps its intake host to api. for validation', () => {
    const seed = cfg({ site: 'datadoghq.eu', endpoint_url: 'https://http-intake.logs.datadoghq.com/v1/input' });
    expect(intakeUrl(seed)).toBe('https://http-intake.logs.datadoghq.com/v1/input');
    expect(datadogConnector.endpointOf(seed)).toBe('https://http-intake.logs.datadoghq.com/v1/input');
    expect(validateUrl(seed)).toBe('https://api.datadoghq.com/api/v1/validate');
    expect(validateUrl(cfg({ endpoint_url: 'http://http-intake.logs.dd.internal:8443/api/v2/logs' }))).toBe(
      'http://api.dd.internal:8443/api/v1/validate',
    );
    expect(validateUrl(cfg({ endpoint_url: 'http://127.0.0.1:9000/api/v2/logs' }))).toBe('http://127.0.0.1:9000/api/v1/validate');
  });
});
