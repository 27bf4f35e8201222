/**
 * Address classification for the egress guard (SPEC §8): which IP ranges a connector may never reach unless the
 * operator allows them, including IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo).
 */
import { BlockList, isIP } from 'node:net';

interface Range {
  cidr: string;
  reason: string;
}

const BLOCKED_V4: Range[] = [
  { cidr: '0.0.0.0/8', reason: 'unspecified/"this network"' },
  { cidr: '10.0.0.0/8', reason: 'private' },
  { cidr: '100.64.0.0/10', reason: 'carrier-grade NAT' },
  { cidr: '127.0.0.0/8', reason: 'loopback' },
  { cidr: '169.254.0.0/16', reason: 'link-local / cloud metadata' },
  { cidr: '172.16.0.0/12', reason: 'private' },
  { cidr: '192.0.0.0/24', reason: 'IETF protocol assignments' },
  { cidr: '192.168.0.0/16', reason: 'private' },
  { cidr: '198.18.0.0/15', reason: 'benchmarking' },
  { cidr: '224.0.0.0/4', reason: 'multicast' },
  // 240/4 includes the limited broadcast address 255.255.255.255.
  { cidr: '240.0.0.0/4', reason: 'reserved/broadcast' },
];

const BLOCKED_V6: Range[] = [
  { cidr: '::/128', reason: 'unspecified' },
  { cidr: '::1/128', reason: 'loopback' },
  { cidr: '100::/64', reason: 'discard-only' },
  // Local-use NAT64 prefix: the embedded IPv4 position depends on the operator's prefix length, so block it whole.
  { cidr: '64:ff9b:1::/48', reason: 'local-use NAT64' },
  { cidr: 'fc00::/7', reason: 'unique local (ULA)' },
  { cidr: 'fe80::/10', reason: 'link-local' },
  { cidr: 'fec0::/10', reason: 'site-local (deprecated)' },
  { cidr: 'ff00::/8', reason: 'multicast' },
];

function buildList(ranges: Range[], family: 'ipv4' | 'ipv6'): { list: BlockList; ranges: Range[] } {
  const list = new BlockList();
  for (const r of ranges) {
    const [net, prefix] = r.cidr.split('/');
    list.addSubnet(net, Number(prefix), family);
  }
  return { list, ranges };
}

const blockedV4 = buildList(BLOCKED_V4, 'ipv4');
const blockedV6 = buildList(BLOCKED_V6, 'ipv6');

/** Per-range lists so the refusal can name the reason; built once. */
const v4ReasonLists = BLOCKED_V4.map((r) => ({ ...buildList([r], 'ipv4'), reason: r.reason }));
const v6ReasonLists = BLOCKED_V6.map((r) => ({ ...buildList([r], 'ipv6'), reason: r.reason }));

/** Strips `[...]` brackets and an IPv6 zone id (`fe80::1%eth0`). */
export function unbracket(host: string): string {
  let h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const zone = h.indexOf('%');
  if (zone !== -1 && isIP(h.slice(0, zone)) === 6) h = h.slice(0, zone);
  return h;
}

/** Parses a valid IPv6 literal (optionally with a dotted IPv4 tail) into 16 bytes. */
export function ipv6Bytes(address: string): Uint8Array {
  let text = address.toLowerCase();
  const bytes = new Uint8Array(16);
  // Dotted IPv4 tail ("::ffff:1.2.3.4") → two hex groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a, b, c, d] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = rest === undefined ? [] : rest ? rest.split(':') : [];
  const groups =
    rest === undefined
      ? headGroups
      : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    bytes[i * 2] = v >> 8;
    bytes[i * 2 + 1] = v & 0xff;
  });
  return bytes;
}

const v4 = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const allZero = (b: Uint8Array, from: number, to: number) => b.slice(from, to).every((x) => x === 0);

/** IPv4 addresses an IPv6 address carries (and would reach through the matching translation mechanism). */
export function embeddedIpv4(bytes: Uint8Array): { address: string; form: string }[] {
  const out: { address: string; form: string }[] = [];
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible; :: and ::1 are matched as v6 ranges first).
  if (allZero(bytes, 0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) out.push({ address: v4(bytes, 12), form: 'IPv4-mapped' });
  else if (allZero(bytes, 0, 12)) out.push({ address: v4(bytes, 12), form: 'IPv4-compatible' });
  // 64:ff9b::/96 well-known NAT64 prefix.
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && allZero(bytes, 4, 12))
    out.push({ address: v4(bytes, 12), form: 'NAT64' });
  // 2002:AABB:CCDD::/48 6to4.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) out.push({ address: v4(bytes, 2), form: '6to4' });
  // 2001:0000::/32 Teredo: server IPv4 in bytes 4..8, client IPv4 XOR 0xff in bytes 12..16.
  if (bytes[0] === 0x20 && bytes[1] === 0x01 && bytes[2] === 0x00 && bytes[3] === 0x00) {
    out.push({ address: v4(bytes, 4), form: 'Teredo server' });
    const client = bytes.slice(12, 16).map((x) => x ^ 0xff);
    out.push({ address: v4(client, 0), form: 'Teredo client' });
  }
  return out;
}

/**
 * Why an address must not be reached, or undefined when it is public. `address` must be an IP literal
 * (no brackets). Embedded IPv4 forms report e.g. "IPv4-mapped 127.0.0.1: loopback".
 */
export function blockedReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) {
    if (!blockedV4.list.check(address, 'ipv4')) return undefined;
    return v4ReasonLists.find((r) => r.list.check(address, 'ipv4'))?.reason ?? 'blocked';
  }
  if (family !== 6) return 'not an IP address';
  if (blockedV6.list.check(address, 'ipv6')) {
    return v6ReasonLists.find((r) => r.list.check(address, 'ipv6'))?.reason ?? 'blocked';
  }
  for (const e of embeddedIpv4(ipv6Bytes(address))) {
    const reason = blockedReason(e.address);
    if (reason) return `${e.form} ${e.address}: ${reason}`;
  }
  return undefined;
}
