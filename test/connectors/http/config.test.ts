import { describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../../../src/connectors/shared/config-schema.ts';
import { httpConnector } from '../../../src/connectors/http/index.ts';
import { parseAuthHeader, type HttpConfig } from '../../../src/connectors/http/config.ts';

const schema = httpConnector.configSchema;
const validate = (config: HttpConfig) => [...validateAgainstSchema(schema, config), ...httpConnector.validate!(config)];

describe('http config', () => {
  it('accepts a full config', () => {
    expect(
      validate({
        url: 'https://collector.example.com/ingest?tenant=a',
        api_key: 'k',
        auth_header: 'X-API-Key: abc def',
        headers: { 'X-Tenant': 'acme', 'Content-Type': 'application/json; charset=utf-8' },
        format: 'ndjson',
        hmac_secret: '0123456789abcdef',
        compression: 'gzip',
        verify_ssl: false,
        timeout_ms: 5000,
      }),
    ).toEqual([]);
  });

  it('declares every credential as secret', () => {
    expect(httpConnector.secretFields).toEqual(['api_key', 'auth_header', 'hmac_secret']);
  });

  it('parses auth_header as exactly one "Name: value"', () => {
    expect(parseAuthHeader('X-API-Key: abc')).toEqual(['X-API-Key', 'abc']);
    expect(parseAuthHeader('X-API-Key:abc  ')).toEqual(['X-API-Key', 'abc']);
    expect(parseAuthHeader('Authorization: Token a b')).toEqual(['Authorization', 'Token a b']);
    for (const bad of ['X-API-Key', 'X-API-Key:', 'X API: v', ': v', 'X-A: v\r\nHost: evil', 'X-A: v\nY: w']) {
      expect(parseAuthHeader(bad), bad).toBeUndefined();
    }
  });

  it('rejects a malformed auth_header without echoing it', () => {
    const issues = validate({ url: 'https://c.example.com', auth_header: 'secret-value-without-name' });
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toEqual(['auth_header']);
    expect(JSON.stringify(issues)).not.toContain('secret-value');
  });

  it('rejects hop-by-hop, Host, Content-Length, signature and credential headers', () => {
    for (const name of ['Connection', 'transfer-encoding', 'Host', 'Content-Length', 'Upgrade', 'TE', 'X-Siemstream-Id', 'Authorization']) {
      const issues = validate({ url: 'https://c.example.com', headers: { [name]: 'v' } });
      expect(issues.map((i) => i.path), name).toEqual([['headers', name]]);
    }
    expect(validate({ url: 'https://c.example.com', headers: { 'Bad Name': 'v' } })[0].path).toEqual(['headers', 'Bad Name']);
    expect(validate({ url: 'https://c.example.com', headers: { 'X-A': 'v\r\nX-B: w' } })[0].path).toEqual(['headers', 'X-A']);
    expect(validate({ url: 'https://c.example.com', headers: { 'X-A': '1', 'x-a': '2' } })).toHaveLength(1);
  });

  it('refuses credentials where they would be stored in plaintext: credential headers and query parameters', () => {
    for (const name of ['Cookie', 'X-API-Key', 'api-key', 'X-Auth-Token', 'DD-API-KEY']) {
      const issues = validate({ url: 'https://c.example.com', headers: { [name]: 'secret-value' } });
      expect(issues, name).toEqual([{ path: ['headers', name], message: 'Credentials belong in api_key or auth_header (encrypted at rest)', type: 'value_error' }]);
    }
    for (const param of ['token', 'api_key', 'access_token', 'sig', 'x-api-key']) {
      const issues = validate({ url: `https://c.example.com/in?tenant=a&${param}=secret-value` });
      expect(issues, param).toEqual([{ path: ['url'], message: `URL must not carry credentials in its query (${param}); use api_key or auth_header`, type: 'value_error' }]);
    }
    expect(validate({ url: 'https://c.example.com/in?tenant=acme&format=v2' })).toEqual([]);
  });

  it('refuses two sources for the same auth header', () => {
    expect(validate({ url: 'https://c.example.com', api_key: 'k', auth_header: 'Authorization: Basic abc' })[0].path).toEqual([
      'auth_header',
    ]);
    expect(validate({ url: 'https://c.example.com', auth_header: 'X-Key: a', headers: { 'x-key': 'b' } })[0].path).toEqual([
      'headers',
      'x-key',
    ]);
  });

  it('rejects short HMAC secrets, unknown formats and URL credentials', () => {
    const issues = validate({ url: 'https://u:p@c.example.com', hmac_secret: 'short', format: 'xml' as never });
    expect(issues.map((i) => i.path[0]).sort()).toEqual(['format', 'hmac_secret', 'url']);
  });
});
