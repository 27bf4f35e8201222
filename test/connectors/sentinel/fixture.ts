/**
 * Sentinel in the shared compliance suite. `sentinelFixture` runs the Logs Ingestion API form (token endpoint +
 * DCE on the strict mock); `sentinelDataCollectorFixture` runs the legacy form (uncompressed only).
 */
import type { ComplianceFixture } from '../compliance/types.ts';
import { startSentinelMock } from './mock-receiver.ts';

export const sentinelFixture: ComplianceFixture = {
  type: 'sentinel',
  injectable: ['retry', 'auth', 'permanent', 'too-large'],
  supportsGzip: true,
  async start({ gzip }) {
    const receiver = await startSentinelMock();
    return { receiver, config: receiver.ingestionConfig({ compression: gzip ? 'gzip' : 'none', timeout_ms: 5_000 }) };
  },
};

export const sentinelDataCollectorFixture: ComplianceFixture = {
  type: 'sentinel',
  injectable: ['retry', 'auth', 'permanent', 'too-large'],
  supportsGzip: false,
  async start() {
    const receiver = await startSentinelMock();
    return { receiver, config: receiver.dataCollectorConfig({ timeout_ms: 5_000 }) };
  },
};
