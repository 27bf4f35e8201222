import { describe, expect, it } from 'vitest';
import { sentinelConnector } from '../../../src/connectors/sentinel/index.ts';
import { LEGACY_RETIREMENT_WARNING, resolveSentinelSettings, type SentinelConfig } from '../../../src/connectors/sentinel/config.ts';
import { validateAgainstSchema } from '../../../src/connectors/shared/config-schema.ts';

const ingestion = {
  tenant_id: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  client_id: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  client_secret: 'abc~DEF.123',
  dce_url: 'https://my-dce-abcd.westeurope-1.ingest.monitor.azure.com',
  dcr_immutable_id: 'dcr-00112233445566778899aabbccddeeff',
  stream_name: 'Custom-OcsfEvents',
};
const legacy = {
  workspace_id: 'b5f1c0de-1234-4abc-9def-0123456789ab',
  shared_key: Buffer.from('0123456789abcdef0123456789abcdef').toString('base64'),
  log_type: 'ArbitexAudit',
};

/** Schema first, then the cross-field checks: what every surface runs. */
function issuesOf(config: Record<string, unknown>) {
  const schemaIssues = validateAgainstSchema(sentinelConnector.configSchema, config);
  return schemaIssues.length > 0 ? schemaIssues : sentinelConnector.validate!(config as SentinelConfig);
}

describe('sentinel config', () => {
  it('accepts the Logs Ingestion form and the legacy form', () => {
    expect(issuesOf(ingestion)).toEqual([]);
    expect(issuesOf({ ...ingestion, authority_url: 'https://login.microsoftonline.us', compression: 'none', endpoint_url: 'https://x.example' })).toEqual([]);
    expect(issuesOf({ ...ingestion, tenant_id: 'contoso.onmicrosoft.com' })).toEqual([]);
    expect(issuesOf(legacy)).toEqual([]);
    expect(issuesOf({ ...legacy, endpoint_url: 'https://ws.ods.opinsights.azure.us', verify_ssl: true, timeout_ms: 5000 })).toEqual([]);
  });

  it('reports every missing field of an empty config against the preferred form', () => {
    const issues = issuesOf({});
    expect(issues.map((i) => i.path[0])).toEqual(['tenant_id', 'client_id', 'client_secret', 'dce_url', 'dcr_immutable_id', 'stream_name']);
    expect(issues.every((i) => i.type === 'missing' && i.message.includes('workspace_id, shared_key, log_type'))).toBe(true);
  });

  it('reports the missing fields of an incomplete form', () => {
    const { stream_name: _s, dce_url: _d, ...partial } = ingestion;
    expect(issuesOf(partial).map((i) => [i.path[0], i.type])).toEqual([
      ['dce_url', 'missing'],
      ['stream_name', 'missing'],
    ]);
    expect(issuesOf({ workspace_id: legacy.workspace_id })).toEqual([
      { path: ['shared_key'], message: expect.stringContaining('legacy Data Collector form'), type: 'missing' },
      { path: ['log_type'], message: expect.stringContaining('legacy Data Collector form'), type: 'missing' },
    ]);
  });

  it('refuses a config mixing both forms, naming the legacy fields', () => {
    const issues = issuesOf({ ...ingestion, shared_key: legacy.shared_key, log_type: 'X' });
    expect(issues.map((i) => i.path[0])).toEqual(['shared_key', 'log_type']);
    expect(issues[0].message).toMatch(/cannot be combined with Logs Ingestion API fields .*use one form/);
    // compression belongs to the Logs Ingestion form only
    expect(issuesOf({ ...legacy, compression: 'gzip' }).map((i) => i.path[0])).toEqual(['workspace_id', 'shared_key', 'log_type']);
  });

  it.each([
    ['dcr_immutable_id', 'dcr-0011', /dcr-.*32 hex/],
    ['dcr_immutable_id', 'DCR-00112233445566778899aabbccddeeff', /dcr-/],
    ['stream_name', 'OcsfEvents', /Custom-<Name>/],
    ['client_id', 'not-a-guid', /GUID/],
    ['tenant_id', '../evil', /tenant/i],
    ['dce_url', 'ftp://dce.example.com', /http/],
  ])('rejects %s=%j', (field, value, message) => {
    const issues = issuesOf({ ...ingestion, [field]: value });
    expect(issues).toEqual([{ path: [field], message: expect.stringMatching(message), type: 'value_error' }]);
  });

  it.each([
    ['log_type', 'Bad-Type', /letters, digits and _/],
    ['log_type', 'A'.repeat(101), /at most 100/],
    ['shared_key', 'not base64!', /base64/],
    ['shared_key', 'a===', /base64/],
    ['workspace_id', 'ws.evil.com', /GUID/],
  ])('rejects legacy %s=%j', (field, value, message) => {
    expect(issuesOf({ ...legacy, [field]: value })).toEqual([{ path: [field], message: expect.stringMatching(message), type: expect.any(String) }]);
  });

  it('rejects URLs with a query, fragment or credentials, and unknown fields', () => {
    expect(issuesOf({ ...ingestion, dce_url: 'https://dce.example/?x=1' })).toEqual([
      { path: ['dce_url'], message: 'URL must not contain a query string or fragment', type: 'value_error' },
    ]);
    expect(issuesOf({ ...ingestion, authority_url: 'https://u:p@login.example' })).toEqual([
      { path: ['authority_url'], message: 'URL must not contain credentials', type: 'value_error' },
    ]);
    expect(issuesOf({ ...ingestion, table: 'x' })).toEqual([{ path: ['table'], message: 'Extra inputs are not permitted', type: 'extra_forbidden' }]);
  });

  it('declares its secrets and warns about the retired legacy API only', () => {
    expect(sentinelConnector.secretFields).toEqual(['client_secret', 'shared_key']);
    expect(sentinelConnector.warnings!(legacy)).toEqual([LEGACY_RETIREMENT_WARNING]);
    expect(LEGACY_RETIREMENT_WARNING).toBe(
      'Microsoft retired the HTTP Data Collector API on 2026-09-14; use the Logs Ingestion API form ' +
        '(tenant_id, client_id, client_secret, dce_url, dcr_immutable_id, stream_name)',
    );
    expect(sentinelConnector.warnings!(ingestion)).toEqual([]);
  });

  it('shows the DCE, the override, or the workspace URL as the endpoint — never a secret', () => {
    expect(sentinelConnector.endpointOf({ ...ingestion, dce_url: `${ingestion.dce_url}/` })).toBe(ingestion.dce_url);
    expect(sentinelConnector.endpointOf({ ...ingestion, endpoint_url: 'https://proxy.example/dce' })).toBe('https://proxy.example/dce');
    expect(sentinelConnector.endpointOf(legacy)).toBe('https://b5f1c0de-1234-4abc-9def-0123456789ab.ods.opinsights.azure.com');
  });

  it('resolves the token and ingestion URLs of the Logs Ingestion form', () => {
    expect(resolveSentinelSettings({ ...ingestion, authority_url: 'https://login.example/' })).toEqual({
      form: 'logs_ingestion',
      tenantId: ingestion.tenant_id,
      clientId: ingestion.client_id,
      clientSecret: ingestion.client_secret,
      tokenUrl: `https://login.example/${ingestion.tenant_id}/oauth2/v2.0/token`,
      ingestionUrl: `${ingestion.dce_url}/dataCollectionRules/${ingestion.dcr_immutable_id}/streams/Custom-OcsfEvents?api-version=2023-01-01`,
      gzip: true,
    });
    expect(resolveSentinelSettings({ ...ingestion, compression: 'none' })).toMatchObject({
      tokenUrl: `https://login.microsoftonline.com/${ingestion.tenant_id}/oauth2/v2.0/token`,
      gzip: false,
    });
  });

  it('resolves the legacy URL and decodes the shared key', () => {
    const settings = resolveSentinelSettings(legacy);
    expect(settings).toEqual({
      form: 'data_collector',
      workspaceId: legacy.workspace_id,
      sharedKey: Buffer.from('0123456789abcdef0123456789abcdef'),
      logType: 'ArbitexAudit',
      url: `https://${legacy.workspace_id}.ods.opinsights.azure.com/api/logs?api-version=2016-04-01`,
    });
  });

  it('refuses to create a connector from an invalid config, without echoing secrets', () => {
    expect(() => resolveSentinelSettings({ client_secret: 'TOP-SECRET' })).toThrow(/tenant_id: Field required/);
    expect(() => resolveSentinelSettings({ client_secret: 'TOP-SECRET' })).not.toThrow(/TOP-SECRET/);
  });
});
