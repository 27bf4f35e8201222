import { describe, expect, it } from 'vitest';
import { syslogMessage, syslogPri, syslogTimestamp } from '../../../src/connectors/qradar/syslog.ts';
import { encodeQradarBatch } from '../../../src/connectors/qradar/encoder.ts';
import { resolveTarget } from '../../../src/connectors/qradar/config.ts';
import { toLeef } from '../../../src/connectors/qradar/leef.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';
import { sampleEvents } from '../../fixtures/events.ts';
import { parseSyslogLeef } from './leef-parser.ts';

const event: DeliveryEvent = { uid: 'u', time: 1718020800520, classUid: 3002, severityId: 4, json: '{"class_uid":3002}' };

describe('RFC 5424 framing', () => {
  it('exact message: PRI, version, timestamp, hostname, app, NILVALUEs, LEEF, LF', () => {
    expect(syslogMessage(event, 'LEEF:2.0|V|P|1|3002|0x5E|x=1')).toBe(
      '<107>1 2024-06-10T12:00:00.520Z siemstream siemstream - - - LEEF:2.0|V|P|1|3002|0x5E|x=1\n',
    );
  });

  it('PRI = facility 13 (log audit) * 8 + severity mapped from OCSF', () => {
    // Informational 6, Low 5, Medium 4, High 3, Critical 2, Fatal 1; Unknown / Other → 5.
    expect([1, 2, 3, 4, 5, 6, 0, 99].map(syslogPri)).toEqual([110, 109, 108, 107, 106, 105, 109, 109]);
  });

  it('timestamp is yyyy-MM-ddTHH:mm:ss.SSSZ, NILVALUE when unusable', () => {
    expect(syslogTimestamp(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(syslogTimestamp(Number.NaN)).toBe('-');
    expect(syslogTimestamp(8.64e15)).toBe('-');
  });

  it('a syslog batch is one LF-terminated message per event that a strict parser reads back', () => {
    const events = sampleEvents(3);
    const req = encodeQradarBatch(events, resolveTarget({ host: 'qradar.example.com' }));
    expect(req.url).toBe('tls://qradar.example.com:6514');
    expect(req.gzip).toBe(false);
    const text = req.body.toString();
    expect(text.endsWith('\n')).toBe(true);
    const messages = text.slice(0, -1).split('\n').map(parseSyslogLeef);
    expect(messages.map((m) => (m.leef.event.metadata as { uid: string }).uid)).toEqual(events.map((e) => e.uid));
    expect(messages.every((m) => m.hostname === 'siemstream' && m.appName === 'siemstream')).toBe(true);
    expect(text.slice(0, -1).split('\n')[0]).toBe(syslogMessage(events[0], toLeef(events[0])).slice(0, -1));
  });

  it('an HTTP Receiver batch is bare LEEF lines, text/plain', () => {
    const events = sampleEvents(2);
    const req = encodeQradarBatch(events, resolveTarget({ host: 'https://qradar.example.com' }));
    expect(req).toMatchObject({ method: 'POST', url: 'https://qradar.example.com:12469/', headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    expect(req.body.toString()).toBe(`${toLeef(events[0])}\n${toLeef(events[1])}\n`);
  });
});
