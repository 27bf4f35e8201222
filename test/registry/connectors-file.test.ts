import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConnectorsFile, readConnectorsFile } from '../../src/registry/connectors-file.ts';

const entry = { connector_id: 'splunk-primary', display_name: 'Splunk', connector_type: 'splunk_hec', config: { url: 'https://s:8088', token: 't' } };

describe('connectors file parsing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siemstream-registry-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads JSON and YAML by extension', () => {
    const json = join(dir, 'connectors.json');
    writeFileSync(json, JSON.stringify({ connectors: [entry] }));
    expect(readConnectorsFile(json)).toEqual({ ok: true, entries: [entry] });

    const yaml = join(dir, 'connectors.yml');
    writeFileSync(
      yaml,
      'connectors:\n  - connector_id: splunk-primary\n    display_name: Splunk\n    connector_type: splunk_hec\n    config:\n      url: https://s:8088\n      token: t\n',
    );
    expect(readConnectorsFile(yaml)).toEqual({ ok: true, entries: [entry] });
  });

  it('detects the format by content for other extensions', () => {
    expect(parseConnectorsFile(JSON.stringify({ connectors: [] }), '/etc/siem/connectors.conf')).toEqual({ ok: true, entries: [] });
    expect(parseConnectorsFile('connectors: []\n', '/etc/siem/connectors')).toEqual({ ok: true, entries: [] });
  });

  it('reports syntax errors by position only, never quoting the text', () => {
    const badJson = parseConnectorsFile('{"connectors": [{"config": {"token": "s3cr3t-value" x}}]}', 'c.json');
    expect(badJson.ok).toBe(false);
    if (!badJson.ok) {
      expect(badJson.error).toMatch(/^c\.json is not valid JSON \(line 1, column \d+\)$/);
      expect(badJson.error).not.toContain('s3cr3t');
    }
    const badYaml = parseConnectorsFile('connectors:\n  - config: {token: s3cr3t-value: x}\n', 'c.yaml');
    expect(badYaml.ok).toBe(false);
    if (!badYaml.ok) {
      expect(badYaml.error).toMatch(/^c\.yaml is not valid YAML: [A-Z_]+ \(line 2, column \d+\)$/);
      expect(badYaml.error).not.toContain('s3cr3t');
    }
    const dupKey = parseConnectorsFile('connectors: []\nconnectors: []\n', 'c.yaml');
    expect(dupKey).toEqual({ ok: false, error: 'c.yaml is not valid YAML: DUPLICATE_KEY (line 2, column 1)' });
  });

  it('requires an object with a "connectors" list', () => {
    for (const text of ['[]', '{"connectors": {}}', '{}', 'null', '']) {
      expect(parseConnectorsFile(text, 'c')).toEqual({ ok: false, error: 'c must hold an object with a "connectors" list' });
    }
  });

  it('reports an unreadable file by error code', () => {
    expect(readConnectorsFile(join(dir, 'missing.json'))).toEqual({ ok: false, error: `cannot read ${join(dir, 'missing.json')}: ENOENT` });
  });
});
