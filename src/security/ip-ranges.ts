/**
 * Address classification for the egress guard: which IP ranges a connector may never reach unless the operator
 * allows them, including IPv6 forms that embed an IPv4 address (mapped, translated, compatible, NAT64 well-known
 * and local-use, 6to4, Teredo, ISATAP), which are classified by the address they embed.
 */
import { BlockList, isIP } from 'node:net';

interface Range {
  cidr: string;
  reason: string;
}

// Each reason names the range's purpose and the RFC that reserves it: a refusal says which rule applied.
const BLOCKED_V4: Range[] = [
  { cidr: '0.0.0.0/8', reason: 'unspecified / "this network", RFC 1122' },
  { cidr: '10.0.0.0/8', reason: 'private, RFC 1918' },
  { cidr: '100.64.0.0/10', reason: 'carrier-grade NAT, RFC 6598' },
  { cidr: '127.0.0.0/8', reason: 'loopback, RFC 1122' },
  { cidr: '169.254.0.0/16', reason: 'link-local / cloud metadata, RFC 3927' },
  { cidr: '172.16.0.0/12', reason: 'private, RFC 1918' },
  { cidr: '192.0.0.0/24', reason: 'IETF protocol assignments, RFC 6890' },
  { cidr: '192.168.0.0/16', reason: 'private, RFC 1918' },
  { cidr: '198.18.0.0/15', reason: 'benchmarking, RFC 2544' },
  { cidr: '224.0.0.0/4', reason: 'multicast, RFC 5771' },
  // Before 240/4, which contains it: the first matching range names the reason.
  { cidr: '255.255.255.255/32', reason: 'limited broadcast, RFC 919' },
  { cidr: '240.0.0.0/4', reason: 'reserved, RFC 1112' },
];

const BLOCKED_V6: Range[] = [
  { cidr: '::/128', reason: 'unspecified, RFC 4291' },
  { cidr: '::1/128', reason: 'loopback, RFC 4291' },
  { cidr: '100::/64', reason: 'discard-only, RFC 6666' },
  { cidr: 'fc00::/7', reason: 'unique local (ULA), RFC 4193' },
  { cidr: 'fe80::/10', reason: 'link-local, RFC 4291' },
  { cidr: 'fec0::/10', reason: 'site-local (deprecated), RFC 3879' },
  { cidr: 'ff00::/8', reason: 'multicast, RFC 4291' },
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
const v4At = (b: Uint8Array, at: readonly number[]) => at.map((i) => b[i]).join('.');
const allZero = (b: Uint8Array, from: number, to: number) => b.slice(from, to).every((x) => x === 0);
const startsWith = (b: Uint8Array, prefix: readonly number[]) => prefix.every((x, i) => b[i] === x);

/** An IPv4 address an IPv6 address carries, and the rule (form, prefix, RFC) by which it carries it. */
export interface EmbeddedIpv4 {
  address: string;
  form: string;
  /** One of several possible readings (local-use NAT64): enough to refuse, never to allow. */
  ambiguous?: true;
}

/**
 * Where RFC 6052 puts the IPv4 address for each prefix length a translator may use (bits 64–71 are skipped).
 * The local-use prefix 64:ff9b:1::/48 leaves the length to the operator, so every length from /48 is possible.
 */
const LOCAL_NAT64_LAYOUTS: { prefix: number; bytes: readonly number[] }[] = [
  { prefix: 96, bytes: [12, 13, 14, 15] },
  { prefix: 64, bytes: [9, 10, 11, 12] },
  { prefix: 56, bytes: [7, 9, 10, 11] },
  { prefix: 48, bytes: [6, 7, 9, 10] },
];
const LOCAL_NAT64 = 'local-use NAT64 64:ff9b:1::/48, RFC 8215';

/** IPv4 addresses an IPv6 address carries (and would reach through the matching translation mechanism). */
export function embeddedIpv4(bytes: Uint8Array): EmbeddedIpv4[] {
  const out: EmbeddedIpv4[] = [];
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (SIIT translated) and ::a.b.c.d (deprecated compatible; :: and ::1
  // are matched as IPv6 ranges first).
  if (allZero(bytes, 0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) out.push({ address: v4(bytes, 12), form: 'IPv4-mapped ::ffff:0:0/96, RFC 4291' });
  else if (allZero(bytes, 0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && allZero(bytes, 10, 12))
    out.push({ address: v4(bytes, 12), form: 'IPv4-translated ::ffff:0:0:0/96, RFC 2765' });
  else if (allZero(bytes, 0, 12)) out.push({ address: v4(bytes, 12), form: 'IPv4-compatible ::/96 (deprecated), RFC 4291' });
  // 64:ff9b::/96 well-known NAT64 prefix (only ever used as a /96).
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b]) && allZero(bytes, 4, 12)) out.push({ address: v4(bytes, 12), form: 'NAT64 64:ff9b::/96, RFC 6052' });
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01])) {
    for (const layout of LOCAL_NAT64_LAYOUTS) {
      // A reading in 0.0.0.0/8 is the zero padding of another layout, not an address anyone translates to.
      if (bytes[layout.bytes[0]] !== 0) out.push({ address: v4At(bytes, layout.bytes), form: `${LOCAL_NAT64} (as a /${layout.prefix})`, ambiguous: true });
    }
  }
  // 2002:AABB:CCDD::/48 6to4.
  if (startsWith(bytes, [0x20, 0x02])) out.push({ address: v4(bytes, 2), form: '6to4 2002::/16, RFC 3056' });
  // 2001:0000::/32 Teredo: server IPv4 in bytes 4..8, client IPv4 XOR 0xff in bytes 12..16.
  if (startsWith(bytes, [0x20, 0x01, 0x00, 0x00])) {
    out.push({ address: v4(bytes, 4), form: 'Teredo 2001::/32 server, RFC 4380' });
    const client = bytes.slice(12, 16).map((x) => x ^ 0xff);
    out.push({ address: v4(client, 0), form: 'Teredo 2001::/32 client, RFC 4380' });
  }
  // ISATAP interface identifier (any prefix): 0000:5efe or 0200:5efe (u bit), then the node's IPv4 address.
  if ((bytes[8] & 0xfd) === 0 && bytes[9] === 0 && bytes[10] === 0x5e && bytes[11] === 0xfe && out.length === 0)
    out.push({ address: v4(bytes, 12), form: 'ISATAP interface identifier ::5efe:0:0/96, RFC 5214' });
  return out;
}

/**
 * Why an address must not be reached, or undefined when it is public. `address` must be an IP literal
 * (no brackets). The reason names the rule and its RFC; an IPv6 address refused for the IPv4 it embeds says
 * by which form, e.g. "NAT64 64:ff9b::/96, RFC 6052, embeds 10.0.0.5: private, RFC 1918".
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
  const bytes = ipv6Bytes(address);
  for (const e of embeddedIpv4(bytes)) {
    const reason = blockedReason(e.address);
    if (reason) return `${e.form}, embeds ${e.address}: ${reason}`;
  }
  // A local-use translator sits in the operator's network, and its prefix length (so which IPv4 address this
  // reaches) is unknown here: refused whatever it embeds.
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01])) return `${LOCAL_NAT64}: translated inside the operator's network`;
  return undefined;
}
