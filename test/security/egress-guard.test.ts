import { describe, expect, it } from 'vitest';
import { createEgressGuard, parseEgressAllow, type Resolver } from '../../src/security/egress-guard.ts';
import { TransportError } from '../../src/connectors/shared/types.ts';

const HTTPS = { port: 443, plaintext: false };
const HTTP = { port: 80, plaintext: true };

/** A resolver that answers from a fixed table and records what it was asked. */
function tableResolver(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const fn = async (host: string) => {
    asked.push(host);
    const addrs = table[host];
    if (!addrs) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addrs.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
  };
  return Object.assign(fn, { asked });
}

async function refusal(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the guard to refuse').toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe('egress guard: blocked ranges', () => {
  const guard = createEgressGuard({});
  // Every blocked range, each with the exact rule a refusal names.
  const blocked: [string, string][] = [
    ['0.0.0.0', 'unspecified / "this network", RFC 1122'],
    ['0.1.2.3', 'unspecified / "this network", RFC 1122'],
    ['10.1.2.3', 'private, RFC 1918'],
    ['100.64.0.1', 'carrier-grade NAT, RFC 6598'],
    ['100.127.255.255', 'carrier-grade NAT, RFC 6598'],
    ['127.0.0.1', 'loopback, RFC 1122'],
    ['127.255.255.254', 'loopback, RFC 1122'],
    ['169.254.169.254', 'link-local / cloud metadata, RFC 3927'],
    ['169.254.0.1', 'link-local / cloud metadata, RFC 3927'],
    ['172.16.0.1', 'private, RFC 1918'],
    ['172.31.255.255', 'private, RFC 1918'],
    ['192.0.0.8', 'IETF protocol assignments, RFC 6890'],
    ['192.168.1.1', 'private, RFC 1918'],
    ['198.18.0.1', 'benchmarking, RFC 2544'],
    ['198.19.255.255', 'benchmarking, RFC 2544'],
    ['224.0.0.1', 'multicast, RFC 5771'],
    ['239.255.255.250', 'multicast, RFC 5771'],
    ['240.0.0.1', 'reserved, RFC 1112'],
    ['255.255.255.254', 'reserved, RFC 1112'],
    ['255.255.255.255', 'limited broadcast, RFC 919'],
    ['::', 'unspecified, RFC 4291'],
    ['::1', 'loopback, RFC 4291'],
    ['100::1', 'discard-only, RFC 6666'],
    ['fc00::1', 'unique local (ULA), RFC 4193'],
    ['fd12:3456:789a::1', 'unique local (ULA), RFC 4193'],
    ['fe80::1', 'link-local, RFC 4291'],
    ['febf::1', 'link-local, RFC 4291'],
    ['fec0::1', 'site-local (deprecated), RFC 3879'],
    ['ff02::1', 'multicast, RFC 4291'],
    // IPv6 forms that embed an IPv4 address: classified by the address they embed.
    ['::ffff:127.0.0.1', 'IPv4-mapped ::ffff:0:0/96, RFC 4291, embeds 127.0.0.1: loopback, RFC 1122'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped ::ffff:0:0/96, RFC 4291, embeds 169.254.169.254: link-local / cloud metadata, RFC 3927'],
    ['::ffff:0:7f00:1', 'IPv4-translated ::ffff:0:0:0/96, RFC 2765, embeds 127.0.0.1: loopback, RFC 1122'],
    ['::ffff:0:10.0.0.5', 'IPv4-translated ::ffff:0:0:0/96, RFC 2765, embeds 10.0.0.5: private, RFC 1918'],
    ['::10.0.0.1', 'IPv4-compatible ::/96 (deprecated), RFC 4291, embeds 10.0.0.1: private, RFC 1918'],
    ['::a9fe:a9fe', 'IPv4-compatible ::/96 (deprecated), RFC 4291, embeds 169.254.169.254: link-local / cloud metadata, RFC 3927'],
    ['64:ff9b::192.168.0.1', 'NAT64 64:ff9b::/96, RFC 6052, embeds 192.168.0.1: private, RFC 1918'],
    ['64:ff9b::7f00:1', 'NAT64 64:ff9b::/96, RFC 6052, embeds 127.0.0.1: loopback, RFC 1122'],
    ['64:ff9b:1::10.0.0.5', 'local-use NAT64 64:ff9b:1::/48, RFC 8215 (as a /96), embeds 10.0.0.5: private, RFC 1918'],
    // 10.0.0.5 at the /48 layout (bytes 6, 7, 9, 10; byte 8 is the reserved u octet).
    ['64:ff9b:1:a00:0:500::1', 'local-use NAT64 64:ff9b:1::/48, RFC 8215 (as a /48), embeds 10.0.0.5: private, RFC 1918'],
    ['64:ff9b:1::808:808', "local-use NAT64 64:ff9b:1::/48, RFC 8215: translated inside the operator's network"],
    ['2002:7f00:0001::1', '6to4 2002::/16, RFC 3056, embeds 127.0.0.1: loopback, RFC 1122'],
    ['2002:a00:5::1', '6to4 2002::/16, RFC 3056, embeds 10.0.0.5: private, RFC 1918'],
    ['2002:a9fe:a9fe::', '6to4 2002::/16, RFC 3056, embeds 169.254.169.254: link-local / cloud metadata, RFC 3927'],
    ['2001:0:a00:5::1', 'Teredo 2001::/32 server, RFC 4380, embeds 10.0.0.5: private, RFC 1918'],
    // Teredo client 10.0.0.1 is stored XOR 0xff: f5ff:fffe.
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'Teredo 2001::/32 client, RFC 4380, embeds 10.0.0.1: private, RFC 1918'],
    ['2001:4860::5efe:a00:5', 'ISATAP interface identifier ::5efe:0:0/96, RFC 5214, embeds 10.0.0.5: private, RFC 1918'],
    ['2001:4860::200:5efe:c0a8:101', 'ISATAP interface identifier ::5efe:0:0/96, RFC 5214, embeds 192.168.1.1: private, RFC 1918'],
  ];
  it.each(blocked)('refuses %s, naming the rule', async (ip, rule) => {
    const err = await refusal(guard.resolve(ip, HTTPS));
    expect(err.code).toBe('egress_refused');
    expect(err.message).toBe(`refused egress to ${ip} (${rule}); set SIEM_EGRESS_ALLOW to allow it`);
  });

  it('names the address, the rule and the host for a resolved name', async () => {
    const resolver = tableResolver({ 'x.example': ['10.0.0.5'] });
    const err = await refusal(createEgressGuard({ resolver }).resolve('x.example', HTTPS));
    expect(err.message).toBe('refused egress to 10.0.0.5 (private, RFC 1918) for host x.example; set SIEM_EGRESS_ALLOW to allow it');
  });

  it.each(['[::1]', '[::ffff:127.0.0.1]', '[fe80::1%25eth0]', 'fe80::1%eth0', '[::ffff:0:7f00:1]', '[64:ff9b::a00:5]'])('refuses the literal %s', async (host) => {
    const err = await refusal(guard.resolve(host, HTTPS));
    expect(err.code).toBe('egress_refused');
    expect(err.message).toMatch(/RFC \d+/);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '198.20.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '::ffff:0:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:0808:0808::1',
    '2001:4860::200:5efe:808:808',
  ])('allows the public address %s over TLS and pins it', async (ip) => {
    await expect(guard.resolve(ip, HTTPS)).resolves.toEqual({ address: ip, family: ip.includes(':') ? 6 : 4 });
  });
});

describe('egress guard: resolution', () => {
  it('refuses a name when ANY of its addresses is blocked', async () => {
    const resolver = tableResolver({ 'mixed.example': ['8.8.8.8', '10.0.0.5'] });
    const err = await refusal(createEgressGuard({ resolver }).resolve('mixed.example', HTTPS));
    expect(err.message).toBe('refused egress to 10.0.0.5 (private, RFC 1918) for host mixed.example; set SIEM_EGRESS_ALLOW to allow it');
  });

  it('returns the first resolved address as the pinned one', async () => {
    const resolver = tableResolver({ 'siem.example': ['93.184.216.34', '2606:2800:220:1::1'] });
    await expect(createEgressGuard({ resolver }).resolve('SIEM.Example.', HTTPS)).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
    expect(resolver.asked).toEqual(['siem.example']);
  });

  it('does not consult the resolver for IP literals', async () => {
    const resolver = tableResolver({});
    await createEgressGuard({ resolver }).resolve('8.8.4.4', HTTPS);
    expect(resolver.asked).toEqual([]);
  });

  it('maps resolver failures and empty answers to dns errors', async () => {
    const guard = createEgressGuard({ resolver: tableResolver({ empty: [] }) });
    const missing = await refusal(guard.resolve('nowhere.example', HTTPS));
    expect(missing.code).toBe('dns');
    expect(missing.message).toContain('ENOTFOUND');
    expect((await refusal(guard.resolve('empty', HTTPS))).code).toBe('dns');
  });

  it('refuses a resolver answer that is not an IP, saying so', async () => {
    const guard = createEgressGuard({ resolver: async () => [{ address: 'evil.example', family: 4 }] });
    const err = await refusal(guard.resolve('x.example', HTTPS));
    expect(err.code).toBe('egress_refused');
    expect(err.message).toBe(
      'refused egress to "evil.example" (the resolver answered something that is not an IP address) for host x.example; set SIEM_EGRESS_ALLOW to allow it',
    );
  });

  it('checks on every call: a name rebinding from public to loopback is refused', async () => {
    let answer = '93.184.216.34';
    const guard = createEgressGuard({ resolver: async () => [{ address: answer, family: 4 }] });
    await expect(guard.resolve('rebind.example', HTTPS)).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    answer = '127.0.0.1';
    const err = await refusal(guard.resolve('rebind.example', HTTPS));
    expect(err.message).toContain('127.0.0.1 (loopback, RFC 1122) for host rebind.example');
  });
});

describe('egress guard: allow list', () => {
  const resolver = tableResolver({
    localhost: ['127.0.0.1', '::1'],
    'siem.internal': ['10.20.30.40'],
    'a.corp.example': ['192.168.5.5'],
    'deep.a.corp.example': ['192.168.5.6'],
    'corp.example': ['192.168.5.7'],
    'public.example': ['93.184.216.34'],
  });

  it('allows a CIDR (v4 and v6), a single IP, a hostname and a wildcard', async () => {
    const guard = createEgressGuard({
      allow: ['10.0.0.0/8', 'fd00::/8', '192.168.1.10', 'LocalHost', '*.corp.example'],
      resolver,
    });
    await expect(guard.resolve('10.99.0.1', HTTPS)).resolves.toMatchObject({ address: '10.99.0.1' });
    await expect(guard.resolve('siem.internal', HTTPS)).resolves.toMatchObject({ address: '10.20.30.40' });
    await expect(guard.resolve('fd00::5', HTTPS)).resolves.toMatchObject({ address: 'fd00::5', family: 6 });
    await expect(guard.resolve('192.168.1.10', HTTPS)).resolves.toMatchObject({ address: '192.168.1.10' });
    await expect(guard.resolve('localhost', HTTPS)).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(guard.resolve('a.corp.example', HTTPS)).resolves.toMatchObject({ address: '192.168.5.5' });
    await expect(guard.resolve('deep.a.corp.example', HTTPS)).resolves.toMatchObject({ address: '192.168.5.6' });
  });

  it('does not stretch entries: neighbours, the wildcard apex and other names stay refused', async () => {
    const guard = createEgressGuard({ allow: ['192.168.1.10', '*.corp.example', 'localhost'], resolver });
    await refusal(guard.resolve('192.168.1.11', HTTPS));
    await refusal(guard.resolve('corp.example', HTTPS));
    await refusal(guard.resolve('127.0.0.1', HTTPS)); // the name is allowed, not its address
    await refusal(guard.resolve('fc00::1', HTTPS));
  });

  it('applies an IPv4 allowance to the IPv6 forms that embed it unambiguously', async () => {
    const guard = createEgressGuard({ allow: ['127.0.0.0/8', '10.0.0.0/8'] });
    for (const ip of ['::ffff:127.0.0.1', '::ffff:0:7f00:1', '64:ff9b::a00:5', '2002:a00:5::1']) {
      await expect(guard.resolve(ip, HTTP), ip).resolves.toMatchObject({ family: 6 });
    }
    // Local-use NAT64 has several readings: an IPv4 allowance that matches one of them does not allow it.
    expect((await refusal(guard.resolve('64:ff9b:1::a00:5', HTTPS))).message).toMatch(/local-use NAT64/);
    await expect(createEgressGuard({ allow: ['64:ff9b:1::/48'] }).resolve('64:ff9b:1::a00:5', HTTPS)).resolves.toMatchObject({ family: 6 });
  });
});

describe('egress guard: check (config validation)', () => {
  const resolver = tableResolver({
    'mixed.example': ['93.184.216.34', '10.0.0.5'],
    'public.example': ['93.184.216.34'],
    'intranet.example': ['10.0.0.5', '192.168.1.1'],
  });
  const guard = createEgressGuard({ resolver, allow: ['allowed.example'] });

  it('lists every refused address with its rule, without throwing', async () => {
    expect(await guard.check('mixed.example', { ...HTTPS, timeoutMs: 1000 })).toEqual({
      host: 'mixed.example',
      literal: false,
      addresses: ['93.184.216.34', '10.0.0.5'],
      refused: [
        {
          address: '10.0.0.5',
          rule: 'private, RFC 1918',
          message: 'refused egress to 10.0.0.5 (private, RFC 1918) for host mixed.example; set SIEM_EGRESS_ALLOW to allow it',
        },
      ],
    });
    const intranet = await guard.check('intranet.example', { ...HTTPS, timeoutMs: 1000 });
    expect(intranet.refused.map((r) => r.address)).toEqual(['10.0.0.5', '192.168.1.1']);
    expect(await guard.check('public.example', { ...HTTPS, timeoutMs: 1000 })).toMatchObject({ refused: [] });
    expect((await guard.check('public.example', { ...HTTP, timeoutMs: 1000 })).refused[0].rule).toBe('plain http/tcp without TLS');
    expect(await guard.check('[::1]', { ...HTTPS, timeoutMs: 1000 })).toMatchObject({ host: '::1', literal: true, refused: [{ rule: 'loopback, RFC 4291' }] });
  });

  it('reports a name that does not resolve, or not in time, as dnsError', async () => {
    expect(await guard.check('nowhere.example', { ...HTTPS, timeoutMs: 1000 })).toMatchObject({
      addresses: [],
      refused: [],
      dnsError: 'could not resolve nowhere.example (ENOTFOUND)',
    });
    const hanging = createEgressGuard({ resolver: () => new Promise(() => {}) });
    const started = Date.now();
    expect(await hanging.check('slow.example', { ...HTTPS, timeoutMs: 50 })).toMatchObject({ dnsError: 'could not resolve slow.example within 50 ms' });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('egress guard: plaintext', () => {
  const resolver = tableResolver({ 'public.example': ['93.184.216.34'], 'collector.lan': ['10.1.1.1'] });

  it('refuses plain http/tcp to a public target that is not allowed', async () => {
    const err = await refusal(createEgressGuard({ resolver }).resolve('public.example', HTTP));
    expect(err.code).toBe('egress_refused');
    expect(err.message).toBe('refused egress to 93.184.216.34 port 80 (plain http/tcp without TLS) for host public.example; set SIEM_EGRESS_ALLOW to allow it');
  });

  it('allows plaintext when the hostname or the resolved IP is allowed', async () => {
    await expect(createEgressGuard({ resolver, allow: ['public.example'] }).resolve('public.example', HTTP)).resolves.toMatchObject({
      address: '93.184.216.34',
    });
    await expect(createEgressGuard({ resolver, allow: ['93.184.216.0/24'] }).resolve('public.example', HTTP)).resolves.toMatchObject({
      address: '93.184.216.34',
    });
    await expect(createEgressGuard({ resolver, allow: ['10.0.0.0/8'] }).resolve('collector.lan', HTTP)).resolves.toMatchObject({
      address: '10.1.1.1',
    });
  });
});

describe('parseEgressAllow', () => {
  it('splits a comma list and trims entries', () => {
    expect(parseEgressAllow(' 10.0.0.0/8, ::1 ,localhost,,*.corp.example,[fd00::]/8 ')).toEqual([
      '10.0.0.0/8',
      '::1',
      'localhost',
      '*.corp.example',
      '[fd00::]/8',
    ]);
  });

  it('returns [] when unset or empty', () => {
    expect(parseEgressAllow(undefined)).toEqual([]);
    expect(parseEgressAllow('')).toEqual([]);
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/abc', 'not a host', 'http://x.example', 'a..b', '*.'])(
    'rejects the invalid entry %s',
    (entry) => {
      expect(() => parseEgressAllow(entry)).toThrow(/SIEM_EGRESS_ALLOW/);
    },
  );
});
