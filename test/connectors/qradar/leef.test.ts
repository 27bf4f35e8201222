import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chooseDelimiter, hexDelimiter, leefSev, toLeef } from '../../../src/connectors/qradar/leef.ts';
import type { DeliveryEvent } from '../../../src/connectors/shared/types.ts';
import { authenticationEvent, toDeliveryEvent } from '../../fixtures/events.ts';
import { parseLeef } from './leef-parser.ts';

function delivery(event: Record<string, unknown>): DeliveryEvent {
  const e = event as { metadata: { uid: string }; time: number; class_uid: number; severity_id: number };
  return { uid: e.metadata.uid, time: e.time, classUid: e.class_uid, severityId: e.severity_id, json: JSON.stringify(event) };
}

const base = {
  activity_id: 1,
  category_uid: 3,
  class_uid: 3002,
  type_uid: 300201,
  severity_id: 3,
  time: 1718020800000,
  metadata: { uid: 'u-1', version: '1.8.0', product: { name: 'AuthOS', vendor_name: 'Acme', version: '2.1' } },
  user: { name: 'alice' },
  src_endpoint: { ip: '10.0.0.5', port: 51515 },
  dst_endpoint: { ip: '2001:db8::1', port: 443 },
};

describe('LEEF 2.0 encoding', () => {
  it('exact line for a plain event', () => {
    const json = JSON.stringify(base);
    expect(toLeef(delivery(base))).toBe(
      'LEEF:2.0|Acme|AuthOS|2.1|3002-1|0x5E|devTime=1718020800000^sev=5^cat=Authentication^usrName=alice' +
        `^src=10.0.0.5^dst=2001:db8::1^srcPort=51515^dstPort=443^ocsf=${json}`,
    );
  });

  it('escapes | and \\ in header fields and falls back when product fields are missing', () => {
    const hostile = { ...base, metadata: { uid: 'u', version: '1.8.0', product: { name: 'Auth|OS\\x', vendor_name: 'Ac|me' } } };
    const line = toLeef(delivery(hostile));
    expect(line.startsWith('LEEF:2.0|Ac\\|me|Auth\\|OS\\\\x|1.8.0|3002-1|0x5E|')).toBe(true);
    const parsed = parseLeef(line);
    expect([parsed.vendor, parsed.product, parsed.version]).toEqual(['Ac|me', 'Auth|OS\\x', '1.8.0']);

    const bare = { ...base, metadata: { uid: 'u', version: '1.8.0', product: { uid: 'p-1' } } };
    expect(toLeef(delivery(bare)).startsWith('LEEF:2.0|siemstream|p-1|1.8.0|3002-1|')).toBe(true);
    const none = { ...base, activity_id: undefined, metadata: { uid: 'u', product: {} } };
    expect(toLeef(delivery(none)).startsWith('LEEF:2.0|siemstream|OCSF|unknown|3002|')).toBe(true);
  });

  it('picks a delimiter that no value contains, and keeps hostile values intact in ocsf', () => {
    const hostile = {
      ...base,
      user: { name: 'a^b=c|d\nx\r\ty' },
      message: 'has ^ and ~ inside',
    };
    const line = toLeef(delivery(hostile));
    // ^ and ~ occur in values: the backtick is next.
    expect(line).toContain('|0x60|');
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toContain('`usrName=a^b=c|d x  y`');
    const parsed = parseLeef(line);
    expect(parsed.delimiter).toBe('`');
    expect(parsed.attributes.usrName).toBe('a^b=c|d x  y');
    expect(parsed.event).toEqual(hostile);
  });

  it('falls back to 0x1F when every printable candidate occurs, and strips it from values', () => {
    const hostile = { ...base, user: { name: 'x^y~z`\u001fw' } };
    const line = toLeef(delivery(hostile));
    expect(line).toContain('|0x1F|');
    const parsed = parseLeef(line);
    expect(parsed.attributes.usrName).toBe('x^y~z` w');
    expect(parsed.event).toEqual(hostile);
    expect(parsed.keys).toEqual(['devTime', 'sev', 'cat', 'usrName', 'src', 'dst', 'srcPort', 'dstPort', 'ocsf']);
  });

  it('stored JSON with raw line breaks (insignificant whitespace) still yields one line with equal JSON', () => {
    const event = delivery(base);
    const pretty = { ...event, json: JSON.stringify(base, null, 2) };
    const line = toLeef(pretty);
    expect(line).not.toMatch(/[\r\n]/);
    expect(parseLeef(line).event).toEqual(base);
  });

  it('omits attributes without a usable value and uses class_name / actor.user when present', () => {
    const event = {
      ...base,
      class_name: 'Authentication Custom',
      user: undefined,
      actor: { user: { uid: 'u-42' } },
      src_endpoint: { ip: 'not-an-ip', port: 70000 },
      dst_endpoint: { hostname: 'sso' },
    };
    const parsed = parseLeef(toLeef(delivery(event)));
    expect(parsed.keys).toEqual(['devTime', 'sev', 'cat', 'usrName', 'ocsf']);
    expect(parsed.attributes.cat).toBe('Authentication Custom');
    expect(parsed.attributes.usrName).toBe('u-42');
  });

  it('maps severity_id to QRadar sev 1–10 per the documented table', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 99, 7, -1].map(leefSev)).toEqual([1, 1, 3, 5, 7, 9, 10, 5, 1, 1]);
  });

  it('delimiter helpers', () => {
    expect(chooseDelimiter(['a', 'b'])).toBe('^');
    expect(chooseDelimiter(['a^'])).toBe('~');
    expect(hexDelimiter('^')).toBe('0x5E');
    expect(hexDelimiter('\x1f')).toBe('0x1F');
  });

  it('round-trips arbitrary user names and messages (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string().filter((s) => s.trim() !== ''), (name, message, product) => {
        const event = authenticationEvent({ message, user: { name }, metadata: { uid: 'u', version: '1.8.0', product: { name: product, vendor_name: 'V' } } });
        const line = toLeef(toDeliveryEvent(event));
        expect(line).not.toMatch(/[\r\n]/);
        const parsed = parseLeef(line);
        expect(parsed.event).toEqual(JSON.parse(JSON.stringify(event)));
        expect(parsed.product).toBe(product.replace(/[\x00-\x1f\x7f]/g, ' '));
      }),
      { numRuns: 200 },
    );
  });
});

describe('LEEF encoding of unreadable stored text', () => {
  it('never throws: header falls back, the text still travels (on one line) in ocsf', () => {
    const line = toLeef({ uid: 'u', time: 5, classUid: 6003, severityId: 2, json: '{"broken":\n' });
    expect(line).toBe('LEEF:2.0|siemstream|OCSF|unknown|6003|0x5E|devTime=5^sev=3^cat=API Activity^ocsf={"broken": ');
  });
});
