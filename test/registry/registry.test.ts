import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnectorDeps } from '../../src/connectors/shared/deps.ts';
import { SiemError, ValidationError } from '../../src/errors.ts';
import { redactPaths } from '../../src/logger.ts';
import { configSummary } from '../../src/registry/config-summary.ts';
import { registryDestinationFeed } from '../../src/registry/destination-feed.ts';
import { ConnectorRegistry, type RegistryChange } from '../../src/registry/registry.ts';
import { ConnectionTester } from '../../src/siem-configs/connection-test.ts';
import { startSplunkHecMock, type SplunkHecMock } from '../connectors/splunk-hec/mock-receiver.ts';

const SPLUNK_TOKEN = 'a1b2c3d4-0000-4000-8000-registrytoken';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()));
      cb();
    },
  });
  return { logger: pino({ level: 'debug', redact: { paths: redactPaths, censor: '[REDACTED]' } }, sink), lines };
}

describe('ConnectorRegistry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siemstream-registry-'));
  const connectorDeps = createConnectorDeps({ egressAllow: ['127.0.0.0/8'] });
  const tester = new ConnectionTester({ connectorDeps, rateLimits: { hit: async () => ({ count: 1, resetAt: 0 }) }, limitPerMinute: 10 });
  let clock = 1_800_000_000_000;
  let log: ReturnType<typeof capturingLogger>;
  let registry: ConnectorRegistry;
  let mock: SplunkHecMock;

  beforeAll(async () => {
    mock = await startSplunkHecMock({ token: SPLUNK_TOKEN });
  });
  afterAll(async () => {
    await mock.close();
    await connectorDeps.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    log = capturingLogger();
    registry = new ConnectorRegistry({ tester, logger: log.logger, now: () => clock });
  });

  const writeFile = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const splunk = (id: string, config: Record<string, unknown> = { url: mock.url, token: SPLUNK_TOKEN }) => ({
    connector_id: id,
    display_name: `Splunk ${id}`,
    connector_type: 'splunk_hec',
    config,
  });

  describe('loading a file', () => {
    it('keeps valid entries, lists every invalid one as not_configured with one error line each, never logging a secret', () => {
      const path = writeFile('mixed.json', {
        connectors: [
          splunk('splunk-primary', { url: 'https://splunk.example.com:8088', token: '${REG_SPLUNK_TOKEN}', index: 'main' }),
          { connector_id: 'mystery', display_name: 'Mystery', connector_type: 'syslog', config: { token: 'mystery-secret-1' } },
          splunk('no-token', { url: 'https://splunk.example.com:8088' }),
          { connector_id: 'no-name', connector_type: 'datadog', config: { api_key: 'dd-secret-value-1' } },
          splunk('unset-env', { url: 'https://splunk.example.com:8088', token: '${REG_UNSET}' }),
          'not an object',
          { ...splunk('extra-key'), enabled: true },
          splunk('dup', { url: 'https://a.example.com:8088', token: 'dup-secret-one' }),
          splunk('dup', { url: 'https://b.example.com:8088', token: 'dup-secret-two' }),
        ],
      });
      registry.loadFile(path, { REG_SPLUNK_TOKEN: 'env-secret-token' });

      const byId = Object.fromEntries(registry.list().map((c) => [c.connectorId, c]));
      expect(Object.keys(byId)).toEqual(['splunk-primary', 'mystery', 'no-token', 'no-name', 'unset-env', 'entry#6', 'extra-key', 'dup']);
      expect(byId['splunk-primary']).toMatchObject({ status: 'healthy', className: 'SplunkHECConnector', lastError: null, source: 'file' });
      expect(registry.destinations()).toEqual([
        {
          connectorId: 'splunk-primary',
          displayName: 'Splunk splunk-primary',
          connectorType: 'splunk_hec',
          config: { url: 'https://splunk.example.com:8088', token: 'env-secret-token', index: 'main' },
          version: expect.any(Number),
          registeredAt: clock,
        },
      ]);
      for (const id of ['mystery', 'no-token', 'no-name', 'unset-env', 'entry#6', 'extra-key', 'dup']) {
        expect(byId[id].status).toBe('not_configured');
        expect(byId[id].lastError).toMatch(/^Connector cannot be instantiated: /);
      }
      expect(byId.mystery.className).toBe('syslog');
      expect(byId['no-token'].issues).toEqual([{ loc: ['connectors', 2, 'config', 'token'], msg: 'Field required', type: 'missing' }]);
      expect(byId['no-name'].displayName).toBe('no-name');
      expect(byId['unset-env'].lastError).toContain('connectors.4.config.token: environment variable REG_UNSET is not set');
      expect(byId['extra-key'].issues).toEqual([{ loc: ['connectors', 6, 'enabled'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }]);
      expect(byId.dup.lastError).toContain('Duplicate connector_id (also entry 8)');
      expect(registry.health()).toEqual({ healthy: 1, degraded: 0, error: 0, not_configured: 7, total: 8 });

      const errors = log.lines.filter((l) => l.level === 50);
      expect(errors.map((l) => l.connector_id)).toEqual(['mystery', 'no-token', 'no-name', 'unset-env', 'entry#6', 'extra-key', 'dup']);
      expect(errors.every((l) => String(l.msg).includes('is not_configured'))).toBe(true);
      expect(log.lines.find((l) => l.msg === 'global connectors loaded')).toMatchObject({ entries: 9, not_configured: 7 });
      const text = JSON.stringify(log.lines);
      for (const secret of ['env-secret-token', 'mystery-secret-1', 'dd-secret-value-1', 'dup-secret-one', 'dup-secret-two']) {
        expect(text).not.toContain(secret);
      }
    });

    it('loads YAML with ${VAR} references', () => {
      const path = writeFile(
        'global.yaml',
        [
          'connectors:',
          '  - connector_id: splunk-primary',
          '    display_name: Splunk HEC (Primary)',
          '    connector_type: splunk_hec',
          '    config:',
          '      url: https://${REG_HOST}:8088',
          '      token: ${REG_TOKEN}',
          '      index: arbitex_audit',
        ].join('\n'),
      );
      registry.loadFile(path, { REG_HOST: 'splunk.example.com', REG_TOKEN: 'yaml-secret' });
      expect(registry.list()).toMatchObject([
        { connectorId: 'splunk-primary', status: 'healthy', configSummary: { url: 'https://splunk.example.com:8088', index: 'arbitex_audit' } },
      ]);
      expect(registry.destinations()[0].config.token).toBe('yaml-secret');
    });

    it('an unreadable or malformed file is one error line and an empty registry', () => {
      registry.loadFile(join(dir, 'nope.yaml'), {});
      writeFile('broken.json', '{"connectors": [ {"config": {"token": "leaky-secret"} ');
      registry.loadFile(join(dir, 'broken.json'), {});
      expect(registry.list()).toEqual([]);
      const errors = log.lines.filter((l) => l.level === 50);
      expect(errors).toHaveLength(2);
      expect(errors[0].msg).toContain('ENOENT');
      expect(errors[1].msg).toContain('is not valid JSON');
      expect(JSON.stringify(log.lines)).not.toContain('leaky-secret');
    });
  });

  describe('register / unregister', () => {
    it('registers, refuses duplicates and invalid entries with errors that hold no value, unregisters', () => {
      const changes: RegistryChange[] = [];
      registry.changes.on('change', (c: RegistryChange) => changes.push(c));
      const state = registry.register(splunk('lib-splunk', { url: 'https://splunk.example.com:8088', token: 'lib-secret', sourcetype: 'ocsf' }));
      expect(state).toMatchObject({ connectorId: 'lib-splunk', status: 'healthy', source: 'register', configSummary: { url: 'https://splunk.example.com:8088', sourcetype: 'ocsf' } });
      expect(JSON.stringify(state)).not.toContain('lib-secret');

      const dup = (() => {
        try {
          registry.register(splunk('lib-splunk'));
        } catch (err) {
          return err;
        }
      })();
      expect(dup).toBeInstanceOf(SiemError);
      expect((dup as SiemError).statusCode).toBe(409);

      let invalid: unknown;
      try {
        registry.register({ connector_id: 'bad', display_name: 'Bad', connector_type: 'splunk_hec', config: { url: 'ftp://splunk.example.com', token: 'has space secret' } });
      } catch (err) {
        invalid = err;
      }
      expect(invalid).toBeInstanceOf(ValidationError);
      expect((invalid as ValidationError).issues.map((i) => i.loc)).toEqual([['config', 'url'], ['config', 'token']]);
      expect((invalid as Error).message).toMatch(/^Global connector cannot be registered: config\.url: /);
      expect((invalid as Error).message).not.toContain('has space secret');
      expect(registry.get('bad')).toBeUndefined();

      // register() uses values as given: no ${VAR} substitution.
      registry.register(splunk('literal', { url: 'https://s.example.com:8088', token: '${NOT_SUBSTITUTED}' }));
      expect(registry.destinations().find((d) => d.connectorId === 'literal')?.config.token).toBe('${NOT_SUBSTITUTED}');

      expect(registry.unregister('lib-splunk')).toBe(true);
      expect(registry.unregister('lib-splunk')).toBe(false);
      expect(registry.get('lib-splunk')).toBeUndefined();
      expect(changes).toEqual([
        { kind: 'registered', connectorId: 'lib-splunk' },
        { kind: 'registered', connectorId: 'literal' },
        { kind: 'unregistered', connectorId: 'lib-splunk' },
      ]);
    });
  });

  describe('status', () => {
    it('takes the delivery engine\'s health writes through the registry feed', async () => {
      const feed = registryDestinationFeed(registry);
      const seen: string[] = [];
      const unsubscribe = feed.source.subscribe((id) => seen.push(id));
      registry.register(splunk('d'));
      registry.loadFile(writeFile('feed.json', { connectors: [splunk('broken', { url: mock.url })] }), {});

      const [spec] = await feed.source.list();
      expect(spec).toEqual({
        id: 'registry:d',
        orgId: null,
        connectorType: 'splunk_hec',
        config: { url: mock.url, token: SPLUNK_TOKEN },
        batchSize: 100,
        filters: { classUids: null, minSeverity: null },
        enabled: true,
        version: expect.any(Number),
        startAt: clock,
      });
      expect(await feed.source.list()).toHaveLength(1); // not_configured entries are not destinations
      expect(await feed.source.get('registry:broken')).toBeUndefined();
      expect(await feed.source.get('d')).toBeUndefined();

      await feed.sink.update('registry:d', { deliveryStatus: 'degraded', failureCount: 3, lastError: 'HTTP 503', lastDeliveryAt: clock }, null);
      expect(registry.get('d')).toMatchObject({ status: 'degraded', failureCount: 3, lastError: 'HTTP 503', lastDeliveryAt: clock, lastSuccessAt: null });
      await feed.sink.update('registry:d', { deliveryStatus: 'error', lastError: 'Splunk HEC rejected the token (code 4: Invalid token, HTTP 403)' }, null);
      expect(registry.health()).toMatchObject({ error: 1, not_configured: 1, total: 2 });
      await feed.sink.update('registry:d', { deliveryStatus: 'healthy', failureCount: 0, lastError: null, lastSuccessfulBatchAt: clock + 5 }, null);
      expect(registry.get('d')).toMatchObject({ status: 'healthy', failureCount: 0, lastError: null, lastSuccessAt: clock + 5 });
      await feed.sink.update('registry:broken', { deliveryStatus: 'healthy' }, null); // only a new registration fixes it
      expect(registry.get('broken')?.status).toBe('not_configured');

      // Re-registering under the same id is a new version; the engine hears of every change.
      registry.unregister('d');
      registry.register(splunk('d'));
      expect((await feed.source.get('registry:d'))?.version).toBeGreaterThan(spec.version);
      await feed.sink.update('registry:d', { deliveryStatus: 'not_configured', lastError: 'cannot build' }, null);
      expect(await feed.source.get('registry:d')).toBeUndefined();
      expect(seen).toEqual(['registry:d', 'registry:broken', 'registry:d', 'registry:d', 'registry:d']);
      unsubscribe();
      registry.unregister('broken');
      expect(seen).toHaveLength(5);
    });

    it('a connection test sets healthy / error (auth) / degraded (other failures); 404 and 422 otherwise', async () => {
      registry.register(splunk('ok'));
      registry.register(splunk('bad-token', { url: mock.url, token: 'wrong-token' }));
      const gone = await startSplunkHecMock();
      await gone.close();
      registry.register(splunk('unreachable', { url: gone.url, token: 't', timeout_ms: 1000 }));
      const before = mock.envelopes().length;

      expect(await registry.test('ok')).toEqual({ connectorId: 'ok', success: true, eventsSent: 1, error: null });
      expect(mock.envelopes().length).toBe(before + 1);
      // A test is not a delivery: it has its own time and result, the delivery times stay unset.
      expect(registry.get('ok')).toMatchObject({ status: 'healthy', failureCount: 0, lastTestAt: clock, lastTestResult: 'success', lastDeliveryAt: null, lastSuccessAt: null });

      expect(await registry.test('bad-token')).toEqual({
        connectorId: 'bad-token',
        success: false,
        eventsSent: 0,
        error: 'Splunk HEC rejected the token (code 4: Invalid token, HTTP 403)',
      });
      expect(registry.get('bad-token')).toMatchObject({
        status: 'error',
        failureCount: 1,
        lastError: 'Splunk HEC rejected the token (code 4: Invalid token, HTTP 403)',
        lastTestAt: clock,
        lastTestResult: 'failure',
        lastDeliveryAt: null,
      });

      const down = await registry.test('unreachable');
      expect(down.success).toBe(false);
      expect(registry.get('unreachable')).toMatchObject({ status: 'degraded', failureCount: 1 });

      await expect(registry.test('missing')).rejects.toMatchObject({ statusCode: 404 });
      registry.loadFile(writeFile('one-bad.json', { connectors: [splunk('broken', { url: mock.url })] }), {});
      await expect(registry.test('broken')).rejects.toMatchObject({ statusCode: 422, message: 'Connector cannot be instantiated: connectors.0.config.token: Field required' });
      expect(mock.envelopes().length).toBe(before + 1);
    });
  });
});

describe('configSummary', () => {
  it('keeps declared non-secret scalar fields only', () => {
    expect(configSummary('splunk_hec', { url: 'https://s:8088', token: 'tok', index: 'main', ack: true, timeout_ms: 5000 })).toEqual({
      url: 'https://s:8088',
      index: 'main',
      ack: true,
      timeout_ms: 5000,
    });
    expect(configSummary('elastic', { host: 'https://e:9200', api_key: 'k', username: 'u', password: 'p', index: 'i' })).toEqual({
      host: 'https://e:9200',
      username: 'u',
      index: 'i',
    });
  });

  it('never shows the Sumo Logic source URL (its path is the secret)', () => {
    expect(configSummary('sumo_logic', { url: 'https://endpoint1.collection.sumologic.com/receiver/v1/http/ZaVnC4dhaV3', category: 'sec' })).toEqual({ category: 'sec' });
  });

  it('drops undeclared fields (a misspelt secret), objects, and URL credentials or queries', () => {
    expect(
      configSummary('http', {
        url: 'https://user:pw@collector.example.com/ingest?key=abc#frag',
        tokn: 'misspelt-secret',
        headers: { 'X-Team': 'sec' },
        format: 'ndjson',
      }),
    ).toEqual({ url: 'https://collector.example.com/ingest', format: 'ndjson' });
    expect(configSummary('syslog', { token: 'x' })).toEqual({});
  });
});
