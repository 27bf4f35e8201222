import { describe, expect, it } from 'vitest';
import { connectorCatalog } from '../../src/connectors/catalog.ts';
import { egressTargets } from '../../src/siem-configs/egress-targets.ts';

describe('egressTargets', () => {
  it.each([
    ['splunk_hec', { url: 'https://splunk.example.com:8088', token: 't' }, [{ field: 'url', host: 'splunk.example.com', port: 8088, plaintext: false }]],
    ['http', { url: 'http://collector.example.com/ingest' }, [{ field: 'url', host: 'collector.example.com', port: 80, plaintext: true }]],
    ['elastic', { host: 'https://[fd00::5]:9200', api_key: 'aWQ6a2V5' }, [{ field: 'host', host: 'fd00::5', port: 9200, plaintext: false }]],
    // The site decides the intake host.
    ['datadog', { api_key: 'k', site: 'datadoghq.eu' }, [{ field: 'site', host: 'http-intake.logs.datadoghq.eu', port: 443, plaintext: false }]],
    // A bare host over syslog: the reported endpoint (tcp://host:514) is named by `host`.
    ['qradar', { host: 'qradar.example.com', transport: 'syslog_tcp' }, [{ field: 'host', host: 'qradar.example.com', port: 514, plaintext: true }]],
    [
      'qradar',
      { host: 'https://qradar.example.com', token: 't', log_source_id: 1 },
      [
        { field: 'host', host: 'qradar.example.com', port: 443, plaintext: false },
        { field: 'host', host: 'qradar.example.com', port: 12469, plaintext: false },
      ],
    ],
    [
      'sentinel',
      { workspace_id: '11111111-2222-3333-4444-555555555555', shared_key: 'a2V5', log_type: 'Ocsf' },
      [{ field: 'workspace_id', host: '11111111-2222-3333-4444-555555555555.ods.opinsights.azure.com', port: 443, plaintext: false }],
    ],
  ])('%s: %j', (type, config, expected) => {
    expect(egressTargets(connectorCatalog[type as keyof typeof connectorCatalog], config)).toEqual(expected);
  });
});
