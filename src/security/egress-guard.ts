/**
 * The egress guard: every connector connection is resolved here first. A target is refused when any address it
 * resolves to is loopback / private / link-local / CGNAT / multicast / reserved (incl. IPv6 forms that embed such
 * an IPv4, ip-ranges.ts), or when it asks for plain http/tcp, unless SIEM_EGRESS_ALLOW allows it. Every refusal
 * names the address, the rule that refused it and the host asked for. The caller must connect to the returned
 * (pinned) address, so a DNS answer that changes after the check cannot redirect it.
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

/** One address the guard refuses, and why. */
export interface EgressRefusal {
  address: string;
  /** The rule, e.g. "private, RFC 1918" or "plain http/tcp without TLS". */
  rule: string;
  /** The refusal as a connection attempt reports it. */
  message: string;
}

/** What the guard would decide for a target now, without connecting (config checks). */
export interface EgressCheck {
  host: string;
  /** The host is an IP literal (no DNS involved: the verdict cannot change with DNS). */
  literal: boolean;
  /** The addresses checked: the literal, or what the name resolved to. */
  addresses: string[];
  /** The addresses refused (every one of them, in answer order). */
  refused: EgressRefusal[];
  /** Why the name could not be resolved now (then `addresses` is empty). */
  dnsError?: string;
}

export interface EgressGuard {
  resolve(host: string, opts: { port: number; plaintext: boolean }): Promise<ResolvedAddress>;
  /** Resolves (within `timeoutMs`) and classifies every address; never throws for a refused or unresolvable target. */
  check(host: string, opts: { port: number; plaintext: boolean; timeoutMs: number }): Promise<EgressCheck>;
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
  return embeddedIpv4(ipv6Bytes(address)).some((e) => !e.ambiguous && list.check(e.address, 'ipv4'));
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

  const normalize = (rawHost: string) => normalizeHost(unbracket(rawHost.trim()));

  /** Every refused address of a target, in answer order; empty when it may be reached. */
  const refusals = (host: string, literal: boolean, addresses: readonly ResolvedAddress[], port: number, plaintext: boolean): EgressRefusal[] => {
    const forHost = literal ? '' : ` for host ${host}`;
    const refusal = (address: string, rule: string, shown = address): EgressRefusal => ({
      address,
      rule,
      message: `refused egress to ${shown} (${rule})${forHost}; set SIEM_EGRESS_ALLOW to allow it`,
    });
    const nameAllowed = !literal && hostAllowed(host);
    const out: EgressRefusal[] = [];
    for (const { address } of addresses) {
      if (!isIP(address)) {
        // Not ours to echo at length: a broken or hostile resolver chose it.
        const shown = JSON.stringify(address.length > 64 ? `${address.slice(0, 64)}…` : address);
        out.push(refusal(address, 'the resolver answered something that is not an IP address', shown));
        continue;
      }
      if (nameAllowed || ipAllowed(allowNets, address)) continue;
      const reason = blockedReason(address);
      if (reason) out.push(refusal(address, reason));
      else if (plaintext) out.push(refusal(address, 'plain http/tcp without TLS', `${address} port ${port}`));
    }
    return out;
  };

  const lookupAll = async (host: string): Promise<ResolvedAddress[]> => {
    let addresses: ResolvedAddress[];
    try {
      addresses = await resolver(host);
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new TransportError('dns', `could not resolve ${host}${code ? ` (${code})` : ''}`, { cause: err });
    }
    if (addresses.length === 0) throw new TransportError('dns', `could not resolve ${host} (no addresses)`);
    return addresses;
  };

  return {
    async resolve(rawHost, { port, plaintext }) {
      const host = normalize(rawHost);
      if (!host) throw new TransportError('invalid_url', 'empty host name');
      const literal = isIP(host);
      const addresses = literal ? [{ address: host, family: literal as 4 | 6 }] : await lookupAll(host);
      const refused = refusals(host, literal !== 0, addresses, port, plaintext);
      if (refused.length > 0) throw new TransportError('egress_refused', refused[0].message);
      const pinned = addresses[0];
      return { address: pinned.address, family: isIP(pinned.address) === 6 ? 6 : 4 };
    },

    async check(rawHost, { port, plaintext, timeoutMs }) {
      const host = normalize(rawHost);
      const literal = isIP(host) !== 0;
      if (literal) return { host, literal, addresses: [host], refused: refusals(host, true, [{ address: host, family: isIP(host) as 4 | 6 }], port, plaintext) };
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TransportError('dns', `could not resolve ${host} within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const addresses = await Promise.race([lookupAll(host), deadline]);
        return { host, literal, addresses: addresses.map((a) => a.address), refused: refusals(host, false, addresses, port, plaintext) };
      } catch (err) {
        return { host, literal, addresses: [], refused: [], dnsError: (err as Error).message };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
