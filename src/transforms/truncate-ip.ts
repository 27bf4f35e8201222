/**
 * IP address truncation for `truncate_ip`: IPv4 keeps its /24 (`203.0.113.7` → `203.0.113.0`), IPv6 its /48
 * (`2001:db8:85a3:8d3:1319:8a2e:370:7348` → `2001:db8:85a3::`, written as RFC 5952 says). An IPv4-mapped IPv6
 * address (`::ffff:203.0.113.7`) is an IPv4 address and keeps its /24 (`::ffff:203.0.113.0`); a zone index
 * (`fe80::1%eth0`) is dropped. Anything else is not an IP address: undefined (the caller redacts it).
 */
import { isIPv4, isIPv6 } from 'node:net';

export function truncateIp(value: string): string | undefined {
  if (isIPv4(value)) return truncateIPv4(value);
  const zone = value.indexOf('%');
  const address = zone < 0 ? value : value.slice(0, zone);
  if (!isIPv6(address)) return undefined;
  const groups = ipv6Groups(address);
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `::ffff:${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.0`;
  }
  return formatIPv6([groups[0]!, groups[1]!, groups[2]!, 0, 0, 0, 0, 0]);
}

function truncateIPv4(value: string): string {
  return `${value.slice(0, value.lastIndexOf('.'))}.0`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
export function ipv6Groups(address: string): number[] {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // A dotted IPv4 tail is the last two groups: rewrite it as such and parse one form.
    const [a, b, c, d] = text.slice(lastColon + 1).split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const gap = text.indexOf('::');
  if (gap < 0) return parse(text);
  const left = parse(text.slice(0, gap));
  const right = parse(text.slice(gap + 2));
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** RFC 5952: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::` (the first on a tie). */
export function formatIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
