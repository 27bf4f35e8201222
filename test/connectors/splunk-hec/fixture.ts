/** The Splunk HEC entry for the shared compliance suite: a strict mock and a config pointing at it. */
import type { ComplianceFixture } from '../compliance/types.ts';
import { startSplunkHecMock } from './mock-receiver.ts';

export const splunkHecFixture: ComplianceFixture = {
  type: 'splunk_hec',
  injectable: ['retry', 'auth', 'permanent', 'too-large'],
  supportsGzip: true,
  async start({ gzip }) {
    const receiver = await startSplunkHecMock();
    return {
      receiver,
      config: { url: receiver.url, token: receiver.token, index: 'main', compression: gzip ? 'gzip' : 'none' },
    };
  },
};

export default splunkHecFixture;
