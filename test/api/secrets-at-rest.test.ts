/**
 * Secrets never appear in plaintext in the database files/tables or in the logs of a full
 * create → update → test → list cycle on both surfaces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../helpers/stores.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { databaseDump } from '../helpers/database-dump.ts';

const SECRETS = {
  splunkToken: 'SPLUNK-SECRET-7f3a9c1e5b',
  splunkToken2: 'SPLUNK-ROTATED-2b8d4f6a0c',
  ddKey: 'DATADOG-SECRET-a1b2c3d4e5f6',
  esPassword: 'ELASTIC-PASSWORD-9z8y7x',
  sharedKey: Buffer.from('SENTINEL-SHARED-KEY-material-0123456789').toString('base64'),
  clientSecret: 'ENTRA-CLIENT-SECRET-q1w2e3',
  sumoToken: 'SUMOTOKENabcdef0123456789',
  hmac: 'HMAC-SECRET-m9n8b7v6',
  header: 'HEADER-VALUE-SECRET-4u5i6o',
  xsiam: 'XSIAM-KEY-SECRET-p0o9i8',
  qradar: 'QRADAR-SEC-TOKEN-l1k2j3',
};

describe.each(storeBackends)('secrets at rest and in logs on $name', (backend) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(backend, { settings: { egressAllow: undefined } });
  });
  afterAll(async () => t?.dispose());

  it('a full create/update/test/list cycle leaves no plaintext secret in the database or the logs', async () => {
    const headers = { authorization: `Bearer ${await t.token()}` };
    const inject = (method: string, url: string, payload?: unknown) => t.service.app.inject({ method: method as never, url, headers, payload: payload as never });
    const configs: [string, Record<string, unknown>][] = [
      ['splunk_hec', { url: 'https://splunk.example.com:8088', token: SECRETS.splunkToken }],
      ['datadog', { api_key: SECRETS.ddKey }],
      ['elastic', { host: 'https://es.example.com:9200', username: 'elastic', password: SECRETS.esPassword }],
      ['sentinel', { workspace_id: '11111111-2222-3333-4444-555555555555', shared_key: SECRETS.sharedKey, log_type: 'Audit' }],
      [
        'sentinel',
        {
          tenant_id: '11111111-2222-3333-4444-555555555555',
          client_id: '66666666-7777-8888-9999-000000000000',
          client_secret: SECRETS.clientSecret,
          dce_url: 'https://dce.westeurope-1.ingest.monitor.azure.com',
          dcr_immutable_id: 'dcr-0123456789abcdef0123456789abcdef',
          stream_name: 'Custom-Ocsf',
        },
      ],
      ['sumo_logic', { url: `https://endpoint1.collection.sumologic.com/receiver/v1/http/${SECRETS.sumoToken}` }],
      ['cortex_xsiam', { url: 'https://api-acme.xdr.us.paloaltonetworks.com', api_key: SECRETS.xsiam }],
      ['qradar', { host: 'https://qradar.example.com', token: SECRETS.qradar, log_source_id: 7 }],
      ['http', { url: 'https://collector.example.com/x', hmac_secret: SECRETS.hmac, auth_header: `X-Api-Key: ${SECRETS.header}` }],
    ];
    const ids: string[] = [];
    for (const [connector_type, config] of configs) {
      const res = await inject('POST', '/v1/org/siem-configs', { connector_type, config });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    const upd = await inject('PUT', `/v1/org/siem-configs/${ids[0]}`, { config: { url: 'https://splunk.example.com:8088', token: SECRETS.splunkToken2 } });
    expect(upd.statusCode).toBe(200);
    // Tests go nowhere (example.com is not reachable here; loopback is refused), but exercise the whole path.
    for (const id of ids.slice(0, 3)) await inject('POST', `/v1/org/siem-configs/${id}/test`);
    await inject('GET', '/v1/org/siem-configs');
    await inject('GET', '/api/organizations/acme-corp/siem-configs');

    const dump = await databaseDump(t);
    const logs = t.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(dump.includes(secret), `${name} in database`).toBe(false);
      expect(logs.includes(secret), `${name} in logs`).toBe(false);
    }
    expect(dump).toContain('enc:v2:k1:');
  });
});
