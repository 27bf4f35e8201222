/** Datadog in the shared compliance suite: the strict mock, and a config pointing the connector at it. */
import type { ComplianceFixture } from '../compliance/types.ts';
import { startDatadogMock } from './mock-receiver.ts';

export const datadogFixture: ComplianceFixture = {
  type: 'datadog',
  injectable: ['retry', 'auth', 'permanent', 'too-large'],
  supportsGzip: true,
  async start({ gzip }) {
    const receiver = await startDatadogMock();
    return {
      receiver,
      config: {
        api_key: receiver.apiKey,
        endpoint_url: `${receiver.url}/api/v2/logs`,
        service: 'siemstream-compliance',
        compression: gzip ? 'gzip' : 'none',
        timeout_ms: 5_000,
      },
    };
  },
};
