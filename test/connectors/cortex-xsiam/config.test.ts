import { describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../../../src/connectors/shared/config-schema.ts';
import { cortexXsiamConnector } from '../../../src/connectors/cortex-xsiam/index.ts';
import { collectorUrl } from '../../../src/connectors/cortex-xsiam/config.ts';

const schema = cortexXsiamConnector.configSchema;

describe('cortex_xsiam config', () => {
  it('accepts the Arbitex example shape (url, api_key, api_key_id)', () => {
    const config = { url: 'https://acme.xdr.us.paloaltonetworks.com', api_key: 'k', api_key_id: '7' };
    expect(validateAgainstSchema(schema, config)).toEqual([]);
    expect(cortexXsiamConnector.validate!(config)).toEqual([]);
  });

  it('requires url and api_key and rejects unknown fields and compressions', () => {
    const issues = validateAgainstSchema(schema, { compression: 'zstd', extra: 1 });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['url'], type: 'missing' }),
        expect.objectContaining({ path: ['api_key'], type: 'missing' }),
        expect.objectContaining({ path: ['extra'], type: 'extra_forbidden' }),
        expect.objectContaining({ path: ['compression'] }),
      ]),
    );
  });

  it('rejects a URL with credentials or a query string', () => {
    expect(cortexXsiamConnector.validate!({ url: 'https://u:p@api-a.example.com', api_key: 'k' })[0].path).toEqual(['url']);
    expect(cortexXsiamConnector.validate!({ url: 'https://api-a.example.com?x=1', api_key: 'k' })[0].path).toEqual(['url']);
  });

  it('declares api_key as the only secret', () => {
    expect(cortexXsiamConnector.secretFields).toEqual(['api_key']);
  });

  it('derives the collector URL from what users paste', () => {
    expect(collectorUrl('https://api-acme.xdr.us.paloaltonetworks.com')).toBe(
      'https://api-acme.xdr.us.paloaltonetworks.com/logs/v1/event',
    );
    expect(collectorUrl('https://api-acme.xdr.us.paloaltonetworks.com/logs/v1/event/')).toBe(
      'https://api-acme.xdr.us.paloaltonetworks.com/logs/v1/event',
    );
    // The tenant UI URL of the Arbitex example: the collector lives under api-.
    expect(collectorUrl('https://acme.xdr.eu.paloaltonetworks.com/')).toBe(
      'https://api-acme.xdr.eu.paloaltonetworks.com/logs/v1/event',
    );
    // A Broker VM applet keeps its host, port and path prefix.
    expect(collectorUrl('http://broker.corp:8443/applet')).toBe('http://broker.corp:8443/applet/logs/v1/event');
    expect(cortexXsiamConnector.endpointOf({ url: 'https://api-x.xdr.au.paloaltonetworks.com', api_key: 'k' })).toBe(
      'https://api-x.xdr.au.paloaltonetworks.com/logs/v1/event',
    );
  });
});
