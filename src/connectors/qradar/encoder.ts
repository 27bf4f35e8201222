/**
 * QRadar batches (protocols.md §7), pure: every event becomes one LEEF 2.0 line (leef.ts).
 * - http_receiver: one POST of the lines, each ending in LF, `Content-Type: text/plain; charset=utf-8`. The HTTP
 *   Receiver turns a whole POST into one event unless its log source has a Message Pattern: set it to `^LEEF:`.
 * - syslog_tls / syslog_tcp: the lines framed as RFC 5424 messages (syslog.ts), written to one stream. The
 *   EncodedRequest for a stream is a description for previews: url `tls://host:port` or `tcp://host:port`, no
 *   headers, the exact bytes written; `method` is required by the type and has no meaning there.
 */
import type { DeliveryEvent, EncodedRequest } from '../shared/types.ts';
import type { QradarTarget } from './config.ts';
import { toLeef } from './leef.ts';
import { syslogMessage } from './syslog.ts';

/** Each event's wire line, newline included. */
export function encodeQradarLines(events: readonly DeliveryEvent[], transport: QradarTarget['transport']): string[] {
  return transport === 'http_receiver'
    ? events.map((e) => `${toLeef(e)}\n`)
    : events.map((e) => syslogMessage(e, toLeef(e)));
}

export function qradarRequest(lines: readonly string[], target: QradarTarget): EncodedRequest {
  const body = Buffer.from(lines.join(''), 'utf8');
  if (target.receiverUrl) {
    return {
      method: 'POST',
      url: target.receiverUrl,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body,
      gzip: false,
      eventCount: lines.length,
    };
  }
  const authority = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
  const scheme = target.transport === 'syslog_tls' ? 'tls' : 'tcp';
  return { method: 'POST', url: `${scheme}://${authority}:${target.port}`, headers: {}, body, gzip: false, eventCount: lines.length };
}

export function encodeQradarBatch(events: readonly DeliveryEvent[], target: QradarTarget): EncodedRequest {
  return qradarRequest(encodeQradarLines(events, target.transport), target);
}
