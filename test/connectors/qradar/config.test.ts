import { describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../../../src/connectors/shared/config-schema.ts';
import { qradarConnector } from '../../../src/connectors/qradar/index.ts';
import { resolveTarget, type QradarConfig } from '../../../src/connectors/qradar/config.ts';

const validate = (config: unknown) => [
  ...validateAgainstSchema(qradarConnector.configSchema, config),
  ...(validateAgainstSchema(qradarConnector.configSchema, config).length ? [] : qradarConnector.validate!(config as QradarConfig)),
];

describe('qradar config', () => {
  it('accepts the Arbitex example and the syslog forms', () => {
    expect(validate({ host: 'https://qradar.example.com', token: 't-1', log_source_id: 12345 })).toEqual([]);
    expect(validate({ host: 'qradar.example.com', transport: 'syslog_tcp', port: 1514 })).toEqual([]);
    expect(validate({ host: '10.1.2.3', transport: 'syslog_tls', verify_ssl: false })).toEqual([]);
    expect(validate({ host: '[2001:db8::5]' })).toEqual([]);
    expect(validate({ host: 'https://qradar.example.com:8443/' })).toEqual([]);
  });

  it('rejects paths, credentials, bad ids, ports and transports', () => {
    for (const host of ['https://qradar.example.com/api', 'https://u:p@qradar.example.com', 'qradar example', 'ftp://q']) {
      expect(validate({ host }).map((i) => i.path), host).toEqual([['host']]);
    }
    expect(validate({ host: 'q', log_source_id: 0 })[0].path).toEqual(['log_source_id']);
    expect(validate({ host: 'q', log_source_id: '12' })[0].path).toEqual(['log_source_id']);
    expect(validate({ host: 'q', port: 70000 })[0].path).toEqual(['port']);
    expect(validate({ host: 'q', transport: 'udp' })[0].path).toEqual(['transport']);
    expect(validate({ host: 'http://q', transport: 'syslog_tls' })[0].path).toEqual(['host']);
  });

  it('declares the SEC token secret', () => {
    expect(qradarConnector.secretFields).toEqual(['token']);
  });

  it('resolves transport, port, receiver URL and REST origin', () => {
    expect(resolveTarget({ host: 'https://qradar.example.com' })).toEqual({
      transport: 'http_receiver',
      hostname: 'qradar.example.com',
      port: 12469,
      receiverUrl: 'https://qradar.example.com:12469/',
      restBase: 'https://qradar.example.com',
    });
    expect(resolveTarget({ host: 'https://qradar.example.com:8443', transport: 'syslog_tcp' })).toMatchObject({
      hostname: 'qradar.example.com',
      port: 514,
      receiverUrl: undefined,
      restBase: 'https://qradar.example.com:8443',
    });
    expect(resolveTarget({ host: 'qradar.example.com' })).toMatchObject({ transport: 'syslog_tls', port: 6514, restBase: 'https://qradar.example.com' });
    expect(resolveTarget({ host: '[2001:db8::5]', transport: 'http_receiver', port: 9000 })).toMatchObject({
      hostname: '2001:db8::5',
      receiverUrl: 'https://[2001:db8::5]:9000/',
    });
  });

  it('endpointOf names the transport', () => {
    expect(qradarConnector.endpointOf({ host: 'https://qradar.example.com' })).toBe('https://qradar.example.com:12469/');
    expect(qradarConnector.endpointOf({ host: 'q.example.com' })).toBe('tls://q.example.com:6514');
    expect(qradarConnector.endpointOf({ host: 'q.example.com', transport: 'syslog_tcp' })).toBe('tcp://q.example.com:514');
  });
});
