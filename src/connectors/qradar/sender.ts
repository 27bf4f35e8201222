/**
 * The QRadar connector: LEEF lines → HTTP Receiver POST (generic HTTP classification) or one syslog stream.
 * An event whose line exceeds QRadar's payload limit makes the batch `too-large` (alone, it is dead-lettered).
 */
import { classifyHttpStatus, classifyTransportError } from '../shared/classify.ts';
import { sendEncoded } from '../shared/send-request.ts';
import type { Connector, ConnectorDeps, ConnectorLimits, DeliveryEvent, DeliveryOutcome } from '../shared/types.ts';
import { resolveTarget, type QradarConfig } from './config.ts';
import { encodeQradarBatch, encodeQradarLines, qradarRequest } from './encoder.ts';
import { testQradarConnection } from './health.ts';
import { SyslogStream } from './syslog-stream.ts';

/**
 * maxEventBytes: QRadar's "Max TCP Syslog Payload Length" defaults to 4096 and is raised by admins up to
 * 32 000 bytes [UNVERIFIED upper bound]; beyond the configured value QRadar truncates the payload, which would cut
 * the trailing `ocsf=` JSON. 32 000 is the ceiling we allow for one encoded line on every transport (the HTTP
 * Receiver applies its own "Max Payload Length" per event the same way). Raise QRadar's setting accordingly.
 * maxRequestBytes: one POST / one stream write of at most 1 MB keeps a slow receiver from holding a large batch.
 */
export const QRADAR_LIMITS: ConnectorLimits = {
  maxEventsPerRequest: 10_000,
  maxRequestBytes: 1_000_000,
  maxEventBytes: 32_000,
};

const DEFAULT_TIMEOUT_MS = 10_000;

export function createQradarConnector(config: QradarConfig, deps: ConnectorDeps): Connector {
  const target = resolveTarget(config);
  const timeoutMs = config.timeout_ms ?? DEFAULT_TIMEOUT_MS;
  const syslog =
    target.transport === 'http_receiver'
      ? undefined
      : new SyslogStream({
          stream: deps.stream,
          host: target.hostname,
          port: target.port,
          tls: target.transport === 'syslog_tls',
          verifySsl: config.verify_ssl,
          timeoutMs,
        });

  async function send(events: readonly DeliveryEvent[], opts: { signal?: AbortSignal } = {}): Promise<DeliveryOutcome> {
    const lines = encodeQradarLines(events, target.transport);
    const oversized = lines.findIndex((l) => Buffer.byteLength(l, 'utf8') - 1 > QRADAR_LIMITS.maxEventBytes);
    if (oversized !== -1) {
      return {
        kind: 'too-large',
        message: `event ${events[oversized].uid} encodes to more than ${QRADAR_LIMITS.maxEventBytes} bytes of LEEF`,
      };
    }
    const req = qradarRequest(lines, target);
    if (syslog) return syslog.write(req.body, opts.signal);
    try {
      const res = await sendEncoded(deps.http, req, { timeoutMs, verifySsl: config.verify_ssl, signal: opts.signal });
      return classifyHttpStatus({ status: res.status, statusText: res.statusText, headers: res.headers, text: res.text() }, deps.now());
    } catch (err) {
      return classifyTransportError(err);
    }
  }

  return {
    type: 'qradar',
    limits: QRADAR_LIMITS,
    encode: (events) => [encodeQradarBatch(events, target)],
    send,
    test: (event) => testQradarConnection({ config, target, deps, timeoutMs, send }, event),
    close: async () => {
      await syslog?.close();
    },
  };
}
