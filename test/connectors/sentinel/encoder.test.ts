import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveSentinelSettings, type DataCollectorSettings, type LogsIngestionSettings } from '../../../src/connectors/sentinel/config.ts';
import {
  encodeDataCollectorRequest,
  encodeLogsIngestionRequest,
  encodeRecordArray,
  withTimeGenerated,
} from '../../../src/connectors/sentinel/encoder.ts';
import { logsIngestionLimits, TIME_GENERATED_SPLICE_BYTES } from '../../../src/connectors/sentinel/limits.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';
import { dataCollectorStringToSign } from '../../../src/connectors/sentinel/shared-key-signature.ts';

const T0 = Date.UTC(2024, 5, 10, 12, 0, 0, 250);
const e1: DeliveryEvent = { uid: 'u1', time: T0, classUid: 3002, severityId: 1, json: '{"class_uid":3002,"metadata":{"uid":"u1"}}' };
const e2: DeliveryEvent = { uid: 'u2', time: T0 + 1000, classUid: 3002, severityId: 2, json: '{"class_uid":3002,"message":"ünïcødé"}' };

const ingestion = resolveSentinelSettings({
  tenant_id: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  client_id: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  client_secret: 's',
  dce_url: 'https://dce.example',
  dcr_immutable_id: 'dcr-00112233445566778899aabbccddeeff',
  stream_name: 'Custom-Ocsf',
}) as LogsIngestionSettings;
const legacy = resolveSentinelSettings({
  workspace_id: 'b5f1c0de-1234-4abc-9def-0123456789ab',
  shared_key: 'c2llbXN0cmVhbS10ZXN0LXdvcmtzcGFjZS1rZXktMDEyMzQ1Njc4OQ==',
  log_type: 'OcsfEvents',
}) as DataCollectorSettings;

describe('sentinel encoders', () => {
  it('splices TimeGenerated (from OCSF time) into each record without re-serialising', () => {
    expect(withTimeGenerated(e1)).toBe('{"TimeGenerated":"2024-06-10T12:00:00.250Z","class_uid":3002,"metadata":{"uid":"u1"}}');
    expect(withTimeGenerated({ ...e1, json: '{}' })).toBe('{"TimeGenerated":"2024-06-10T12:00:00.250Z"}');
    expect(withTimeGenerated({ ...e1, json: '{ }' })).toBe('{"TimeGenerated":"2024-06-10T12:00:00.250Z" }');
    expect(withTimeGenerated({ ...e1, time: Number.NaN })).toBe(e1.json);
    // The limits assume this many bytes per record.
    expect(withTimeGenerated(e1).length - e1.json.length).toBe(TIME_GENERATED_SPLICE_BYTES);
  });

  it('encodes the Logs Ingestion request exactly', () => {
    const req = encodeLogsIngestionRequest([e1, e2], ingestion, 'tok-123');
    expect(req).toEqual({
      method: 'POST',
      url: 'https://dce.example/dataCollectionRules/dcr-00112233445566778899aabbccddeeff/streams/Custom-Ocsf?api-version=2023-01-01',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer tok-123' },
      body: Buffer.from(
        '[{"TimeGenerated":"2024-06-10T12:00:00.250Z","class_uid":3002,"metadata":{"uid":"u1"}},' +
          '{"TimeGenerated":"2024-06-10T12:00:01.250Z","class_uid":3002,"message":"ünïcødé"}]',
      ),
      gzip: true,
      eventCount: 2,
    });
    expect(JSON.parse(req.body.toString())).toHaveLength(2);
    expect(encodeLogsIngestionRequest([e1], { ...ingestion, gzip: false }, 't').gzip).toBe(false);
  });

  it('encodes the legacy request with a signature over the exact body bytes and the injected clock', () => {
    const req = encodeDataCollectorRequest([e1, e2], legacy, T0);
    const body = encodeRecordArray([e1, e2]);
    expect(req.body).toEqual(body);
    // Multi-byte characters: Content-Length is bytes, not UTF-16 units.
    expect(body.length).toBeGreaterThan(body.toString().length);
    const expected = createHmac('sha256', Buffer.from('siemstream-test-workspace-key-0123456789'))
      .update(dataCollectorStringToSign(body.length, 'Mon, 10 Jun 2024 12:00:00 GMT'))
      .digest('base64');
    expect(req).toEqual({
      method: 'POST',
      url: 'https://b5f1c0de-1234-4abc-9def-0123456789ab.ods.opinsights.azure.com/api/logs?api-version=2016-04-01',
      headers: {
        'Content-Type': 'application/json',
        'Log-Type': 'OcsfEvents',
        'x-ms-date': 'Mon, 10 Jun 2024 12:00:00 GMT',
        'time-generated-field': 'TimeGenerated',
        Authorization: `SharedKey b5f1c0de-1234-4abc-9def-0123456789ab:${expected}`,
      },
      body,
      gzip: false,
      eventCount: 2,
    });
  });

  it('fits one event of maxEventBytes into one request of maxRequestBytes', () => {
    const filler = 'x'.repeat(logsIngestionLimits.maxEventBytes - '{"p":""}'.length);
    const big: DeliveryEvent = { ...e1, json: `{"p":"${filler}"}` };
    expect(Buffer.byteLength(big.json)).toBe(logsIngestionLimits.maxEventBytes);
    expect(encodeRecordArray([big]).length).toBe(logsIngestionLimits.maxRequestBytes);
  });
});
