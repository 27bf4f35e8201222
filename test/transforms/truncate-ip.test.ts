import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv6, ipv6Groups, truncateIp } from '../../src/transforms/truncate-ip.ts';

describe('truncateIp', () => {
  it('IPv4 keeps /24, IPv6 keeps /48 written as RFC 5952 says', () => {
    expect(truncateIp('203.0.113.7')).toBe('203.0.113.0');
    expect(truncateIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
    expect(truncateIp('2001:0DB8:0000:0001::1')).toBe('2001:db8::');
    expect(truncateIp('::1')).toBe('::');
    expect(truncateIp('fe80::1%eth0')).toBe('fe80::');
  });

  it('an IPv4-mapped IPv6 address keeps its IPv4 /24', () => {
    expect(truncateIp('::ffff:203.0.113.7')).toBe('::ffff:203.0.113.0');
    expect(truncateIp('::ffff:cb00:7107')).toBe('::ffff:203.0.113.0');
  });

  it('anything else is not an address', () => {
    for (const v of ['', 'localhost', '203.0.113', '203.0.113.7/32', '203.0.113.7, 10.0.0.1', '1:2:3', ' 203.0.113.7']) expect(truncateIp(v), v).toBeUndefined();
  });

  it('any IPv4 comes out an address in the same /24 ending in .0', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const out = truncateIp(ip)!;
        expect(isIP(out)).toBe(4);
        expect(out.split('.').slice(0, 3)).toEqual(ip.split('.').slice(0, 3));
        expect(out.endsWith('.0')).toBe(true);
      }),
    );
  });

  it('any IPv6 comes out an address with the same first 48 bits and zeros after', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const out = truncateIp(ip)!;
        expect(isIP(out)).toBe(6);
        const before = ipv6Groups(ip);
        const after = ipv6Groups(out);
        const mapped = before.slice(0, 5).every((g) => g === 0) && before[5] === 0xffff;
        if (mapped) expect(after).toEqual([0, 0, 0, 0, 0, 0xffff, before[6], before[7]! & 0xff00]);
        else expect(after).toEqual([...before.slice(0, 3), 0, 0, 0, 0, 0]);
      }),
    );
  });

  it('formatIPv6 compresses the longest zero run, the first on a tie, never a single group', () => {
    expect(formatIPv6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])).toBe('2001:db8::1:0:0:1');
    expect(formatIPv6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
  });
});
