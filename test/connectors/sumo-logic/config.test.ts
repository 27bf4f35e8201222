import { describe, expect, it } from 'vitest';
import { sumoLogicConnector } from '../../../src/connectors/sumo-logic/index.ts';
import type { SumoLogicConfig } from '../../../src/connectors/sumo-logic/config.ts';
import { validateAgainstSchema } from '../../../src/connectors/shared/config-schema.ts';

const URL = 'https://endpoint1.collection.sumologic.com/receiver/v1/http/ZaVnC4dhaV3_aBc-9==';

function issuesOf(config: Record<string, unknown>) {
  const schemaIssues = validateAgainstSchema(sumoLogicConnector.configSchema, config);
  return schemaIssues.length > 0 ? schemaIssues : sumoLogicConnector.validate!(config as SumoLogicConfig);
}

describe('sumo_logic config', () => {
  it('accepts the seed’s shape and every optional field', () => {
    expect(issuesOf({ url: URL })).toEqual([]);
    expect(
      issuesOf({
        url: URL,
        category: 'prod/authos/ocsf',
        source_name: 'siemstream',
        source_host: 'authos-eu-1',
        fields: { environment: 'prod', 'team.name': 'sec-ops', empty: '' },
        compression: 'none',
        verify_ssl: true,
        timeout_ms: 30_000,
      }),
    ).toEqual([]);
  });

  it('requires the url, and an HTTP source address', () => {
    expect(issuesOf({})).toEqual([{ path: ['url'], message: 'Field required', type: 'missing' }]);
    expect(issuesOf({ url: 'https://endpoint1.collection.sumologic.com/' })).toEqual([
      { path: ['url'], message: 'Input should be the HTTP source address, https://<endpoint>/receiver/v1/http/<token>', type: 'value_error' },
    ]);
    expect(issuesOf({ url: 'https://u:p@endpoint1.collection.sumologic.com/receiver/v1/http/abc' })[0].message).toMatch(/credentials/);
  });

  it.each([
    [{ fields: { 'a,b': 'x' } }, 'fields'],
    [{ fields: { a: 'x,y' } }, 'fields'],
    [{ fields: { a: 'k=v' } }, 'fields'],
    [{ fields: { a: 1 } }, 'fields'],
    [{ category: 'evil\r\nX-Injected: 1' }, 'category'],
    [{ source_host: '' }, 'source_host'],
    [{ compression: 'zstd' }, 'compression'],
    [{ index: 'x' }, 'index'],
  ])('rejects %j', (extra, field) => {
    const issues = issuesOf({ url: URL, ...extra });
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.path[0] === field)).toBe(true);
  });

  it('treats the whole URL as the secret and shows it masked', () => {
    expect(sumoLogicConnector.secretFields).toEqual(['url']);
    expect(sumoLogicConnector.endpointOf({ url: URL })).toBe('https://endpoint1.collection.sumologic.com/receiver/v1/http/****');
    expect(sumoLogicConnector.endpointOf({ url: 'https://relay.example:8443/other/path?token=x' })).toBe('https://relay.example:8443/****');
    expect(sumoLogicConnector.endpointOf({ url: 'not a url' })).toBe('****');
  });
});
