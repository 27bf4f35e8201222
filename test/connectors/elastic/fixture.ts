/** Elasticsearch in the shared compliance suite: the strict mock, and a config pointing the connector at it. */
import type { ComplianceFixture } from '../compliance/types.ts';
import { startElasticMock } from './mock-receiver.ts';

export const elasticFixture: ComplianceFixture = {
  type: 'elastic',
  injectable: ['retry', 'auth', 'permanent', 'too-large'],
  supportsGzip: true,
  async start({ gzip }) {
    const receiver = await startElasticMock({ dataStreams: ['logs-ocsf-*'] });
    return {
      receiver,
      config: {
        host: receiver.url,
        api_key: receiver.encodedApiKey,
        index: 'logs-ocsf-compliance',
        data_stream: true,
        compression: gzip ? 'gzip' : 'none',
        timeout_ms: 5_000,
      },
    };
  },
};
