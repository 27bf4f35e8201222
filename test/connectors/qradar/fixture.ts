/**
 * QRadar in the compliance suite. The default export is the TLS syslog transport (the stream path: only 'retry'
 * can be injected, by dropping and refusing connections); the HTTP Receiver and plain TCP syslog variants are run
 * through the same checks by transports.test.ts.
 */
import type { ComplianceFixture } from '../compliance/types.ts';
import { startHttpReceiverMock, startSyslogMock } from './mock-receiver.ts';

export const qradarSyslogTlsFixture: ComplianceFixture = {
  type: 'qradar',
  injectable: ['retry'],
  supportsGzip: false,
  async start() {
    const receiver = await startSyslogMock({ tls: true });
    // The mock's certificate is self-signed: verification is tested separately.
    return { receiver, config: { host: receiver.host, port: receiver.port, transport: 'syslog_tls', verify_ssl: false } };
  },
};

export const qradarSyslogTcpFixture: ComplianceFixture = {
  type: 'qradar',
  injectable: ['retry'],
  supportsGzip: false,
  async start() {
    const receiver = await startSyslogMock({ tls: false });
    return { receiver, config: { host: receiver.host, port: receiver.port, transport: 'syslog_tcp' } };
  },
};

export const qradarHttpReceiverFixture: ComplianceFixture = {
  type: 'qradar',
  // No 'auth': the HTTP Receiver has no token; its only access control is (m)TLS.
  injectable: ['retry', 'permanent', 'too-large'],
  supportsGzip: false,
  async start() {
    const receiver = await startHttpReceiverMock();
    return { receiver, config: { host: receiver.url, port: receiver.port, verify_ssl: false } };
  },
};

export default qradarSyslogTlsFixture;
