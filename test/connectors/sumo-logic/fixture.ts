/** Sumo Logic in the shared compliance suite: the strict HTTP source mock, and a config pointing at it. */
import type { ComplianceFixture } from '../compliance/types.ts';
import { startSumoLogicMock } from './mock-receiver.ts';

export const sumoLogicFixture: ComplianceFixture = {
  type: 'sumo_logic',
  injectable: ['retry', 'auth', 'permanent', 'too-large'],
  supportsGzip: true,
  async start({ gzip }) {
    const receiver = await startSumoLogicMock();
    return {
      receiver,
      config: {
        url: receiver.sourceUrl,
        category: 'siemstream/compliance',
        source_name: 'siemstream',
        fields: { environment: 'test' },
        compression: gzip ? 'gzip' : 'none',
        timeout_ms: 5_000,
      },
    };
  },
};
