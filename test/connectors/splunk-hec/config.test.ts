import { describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../../../src/connectors/shared/config-schema.ts';
import { hecBaseUrl } from '../../../src/connectors/splunk-hec/config.ts';
import { splunkHecConnector } from '../../../src/connectors/splunk-hec/index.ts';

const schema = splunkHecConnector.configSchema;

describe('splunk hec config', () => {
  it('requires url and token', () => {
    const issues = validateAgainstSchema(schema, {});
    expect(issues.map((i) => [i.path, i.type])).toEqual(
      expect.arrayContaining([
        [['url'], 'missing'],
        [['token'], 'missing'],
      ]),
    );
  });

  it('accepts every documented field', () => {
    const config = {
      url: 'https://splunk.example.com:8088',
      token: '11111111-2222-3333-4444-555555555555',
      index: 'main',
      source: 'authos',
      sourcetype: 'ocsf',
      host: 'sso',
      ack: true,
      compression: 'none' as const,
      verify_ssl: false,
      timeout_ms: 5000,
    };
    expect(validateAgainstSchema(schema, config)).toEqual([]);
    expect(splunkHecConnector.validate!(config)).toEqual([]);
  });

  it.each([
    [{ extra: 1 }, 'extra_forbidden', ['extra']],
    [{ compression: 'zstd' }, 'enum', ['compression']],
    [{ url: 'ftp://x.example.com' }, 'value_error', ['url']],
    [{ token: 'Splunk abc' }, 'value_error', ['token']],
    [{ ack: 'yes' }, 'boolean_type', ['ack']],
    [{ index: '' }, 'string_too_short', ['index']],
  ])('rejects %j', (patch, type, path) => {
    const issues = validateAgainstSchema(schema, { url: 'https://s.example.com', token: 't', ...patch });
    expect(issues).toContainEqual(expect.objectContaining({ path, type }));
  });

  it('refuses a URL with a query string or credentials', () => {
    const v = splunkHecConnector.validate!;
    expect(v({ url: 'https://s.example.com/services/collector?token=x', token: 't' })[0]).toMatchObject({ path: ['url'] });
    expect(v({ url: 'https://u:p@s.example.com', token: 't' })[0]).toMatchObject({ path: ['url'] });
  });

  it('names the token as its only secret and shows the URL as typed', () => {
    expect(splunkHecConnector.secretFields).toEqual(['token']);
    expect(splunkHecConnector.className).toBe('SplunkHECConnector');
    expect(splunkHecConnector.endpointOf({ url: 'https://s.example.com:8088/services/collector', token: 't' })).toBe(
      'https://s.example.com:8088/services/collector',
    );
  });
});

describe('hecBaseUrl', () => {
  it.each([
    ['https://s.example.com:8088', 'https://s.example.com:8088'],
    ['https://s.example.com:8088/', 'https://s.example.com:8088'],
    ['https://s.example.com:8088/services/collector', 'https://s.example.com:8088'],
    ['https://s.example.com:8088/services/collector/', 'https://s.example.com:8088'],
    ['https://s.example.com:8088/services/collector/event', 'https://s.example.com:8088'],
    ['https://s.example.com:8088/services/collector/event/1.0', 'https://s.example.com:8088'],
    ['https://s.example.com:8088/services/collector/event/1.0//', 'https://s.example.com:8088'],
    ['https://s.example.com:8088/services/collector/raw', 'https://s.example.com:8088'],
    ['https://s.example.com:8088/services/collector/raw/1.0', 'https://s.example.com:8088'],
    ['https://s.example.com/Services/Collector/Event', 'https://s.example.com'],
    ['https://proxy.example.com/splunk/services/collector/event', 'https://proxy.example.com/splunk'],
    ['https://proxy.example.com/splunk/', 'https://proxy.example.com/splunk'],
  ])('%s → %s', (url, base) => {
    expect(hecBaseUrl(url)).toBe(base);
  });

  it('keeps paths that only look similar', () => {
    expect(hecBaseUrl('https://s.example.com/services/collector/ack')).toBe('https://s.example.com/services/collector/ack');
    expect(hecBaseUrl('https://s.example.com/my/services/collectors')).toBe('https://s.example.com/my/services/collectors');
  });
});
