/** Cortex XSIAM in the compliance suite: the strict collector mock can answer every outcome class. */
import type { ComplianceFixture } from '../compliance/types.ts';
import { startXsiamMock } from './mock-receiver.ts';

const API_KEY = 'xsiam-collector-key-0123456789abcdef';

export const cortexXsiamFixture: ComplianceFixture = {
  type: 'cortex_xsiam',
  injectable: ['retry', 'auth', 'permanent', 'too-large'],
  supportsGzip: true,
  async start({ gzip }) {
    const receiver = await startXsiamMock({ apiKey: API_KEY, gzip });
    return { receiver, config: { url: receiver.url, api_key: API_KEY, compression: gzip ? 'gzip' : 'none' } };
  },
};
