/**
 * The egress guard (SPEC §8): every connector connection is resolved here first. A target is refused when any
 * address it resolves to is loopback / private / link-local / CGNAT / multicast / reserved (incl. IPv6 forms that
 * embed such an IPv4), or when it asks for plain http/tcp, unless SIEM_EGRESS_ALLOW allows it. The caller must
 * connect to the returned (pinned) address, so a DNS answer that changes after the check cannot redirect it.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { TransportError } from '../connectors/shared/types.ts';
import { blockedReason, embeddedIpv4, ipv6Bytes, unbracket } from './ip-ranges.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export interface EgressGuard {
  resolve(host: string, opts: { port: number; plaintext: boolean }): Promise<ResolvedAddress>;
}

/** Parses SIEM_EGRESS_ALLOW ("10.0.0.0/8, ::1, siem.internal, *.corp.example"); throws on an invalid entry. */
export function parseEgressAllow(value: string | undefined): string[] {
  if (!value) return [];
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const e of entries) compileEntry(e);
  return entries;
}

const HOSTNAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

type AllowEntry = { kind: 'net'; add(list: BlockList): void } | { kind: 'host'; name: string; wildcard: boolean };

function compileEntry(raw: string): AllowEntry {
  const entry = raw.trim();
  const slash = entry.indexOf('/');
  const ipPart = unbracket(slash === -1 ? entry : entry.slice(0, slash));
  const family = isIP(ipPart);
  if (family) {
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (slash === -1) return { kind: 'net', add: (l) => l.addAddress(ipPart, type) };
    const prefixText = entry.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) {
      throw new Error(`SIEM_EGRESS_ALLOW: invalid CIDR prefix in "${raw}"`);
    }
    return { kind: 'net', add: (l) => l.addSubnet(ipPart, prefix, type) };
  }
  const name = normalizeHost(entry);
  if (slash !== -1 || !HOSTNAME.test(name)) {
    throw new Error(`SIEM_EGRESS_ALLOW: "${raw}" is neither an IP address, a CIDR nor a hostname`);
  }
  const wildcard = name.startsWith('*.');
  return { kind: 'host', name: wildcard ? name.slice(1) : name, wildcard };
}

/** Lower-case, without a trailing root dot: "SIEM.Example.com." → "siem.example.com". */
function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

const defaultResolver: Resolver = async (host) => {
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** True when an IP (or, for IPv6, an IPv4 it embeds) is in the allow list. */
function ipAllowed(list: BlockList, address: string): boolean {
  if (isIP(address) === 4) return list.check(address, 'ipv4');
  if (list.check(address, 'ipv6')) return true;
  return embeddedIpv4(ipv6Bytes(address)).some((e) => list.check(e.address, 'ipv4'));
}

export function createEgressGuard(opts: { allow?: string[]; resolver?: Resolver }): EgressGuard {
  const allowNets = new BlockList();
  const exactHosts = new Set<string>();
  const wildcardSuffixes: string[] = []; // ".example.com"
  for (const raw of opts.allow ?? []) {
    const entry = compileEntry(raw);
    if (entry.kind === 'net') entry.add(allowNets);
    else if (entry.wildcard) wildcardSuffixes.push(entry.name);
    else exactHosts.add(entry.name);
  }
  const resolver = opts.resolver ?? defaultResolver;

  const hostAllowed = (host: string) =>
    exactHosts.has(host) || wildcardSuffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);

  const refuse = (target: string, reason: string): never => {
    throw new TransportError(
      'egress_refused',
      `refused egress to ${target} (${reason}); set SIEM_EGRESS_ALLOW to allow it`,
    );
  };

  return {
    async resolve(rawHost, { port, plaintext }) {
      const host = normalizeHost(unbracket(rawHost.trim()));
      if (!host) throw new TransportError('invalid_url', 'empty host name');
      const literal = isIP(host);
      let addresses: ResolvedAddress[];
      if (literal) {
        addresses = [{ address: host, family: literal as 4 | 6 }];
      } else {
        try {
          addresses = await resolver(host);
        } catch (err) {
          const code = (err as { code?: string }).code;
          throw new TransportError('dns', `could not resolve ${host}${code ? ` (${code})` : ''}`, { cause: err });
        }
        if (addresses.length === 0) throw new TransportError('dns', `could not resolve ${host} (no addresses)`);
      }
      const nameAllowed = !literal && hostAllowed(host);
      const target = (address: string) => (literal ? address : `${host} [${address}]`);
      for (const { address } of addresses) {
        if (!isIP(address)) refuse(target(address), 'resolver returned a non-IP answer');
        if (nameAllowed || ipAllowed(allowNets, address)) continue;
        const reason = blockedReason(address);
        if (reason) refuse(target(address), reason);
        if (plaintext) refuse(`${target(address)} port ${port}`, 'plain http/tcp without TLS');
      }
      const pinned = addresses[0];
      return { address: pinned.address, family: isIP(pinned.address) === 6 ? 6 : 4 };
    },
  };
}
