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
  const blocked: [string, RegExp][] = [
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local/],
    ['169.254.0.1', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['240.0.0.1', /reserved/],
    ['255.255.255.255', /broadcast/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['fc00::1', /unique local/],
    ['fd12:3456:789a::1', /unique local/],
    ['fe80::1', /link-local/],
    ['febf::1', /link-local/],
    ['ff02::1', /multicast/],
    ['::ffff:127.0.0.1', /IPv4-mapped 127\.0\.0\.1: loopback/],
    ['::ffff:a9fe:a9fe', /IPv4-mapped 169\.254\.169\.254: link-local/],
    ['::10.0.0.1', /IPv4-compatible 10\.0\.0\.1: private/],
    ['64:ff9b::192.168.0.1', /NAT64 192\.168\.0\.1: private/],
    ['64:ff9b::7f00:1', /NAT64 127\.0\.0\.1: loopback/],
    ['2002:7f00:0001::1', /6to4 127\.0\.0\.1: loopback/],
    ['2002:a9fe:a9fe::', /6to4 169\.254\.169\.254/],
    // Teredo client 10.0.0.1 is stored XOR 0xff: f5ff:fffe.
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', /Teredo client 10\.0\.0\.1: private/],
  ];
  it.each(blocked)('refuses %s', async (ip, reason) => {
    const err = await refusal(guard.resolve(ip, HTTPS));
    expect(err.code).toBe('egress_refused');
    expect(err.message).toMatch(reason);
    expect(err.message).toContain('SIEM_EGRESS_ALLOW');
  });

  it('names the target and reason in a clear message', async () => {
    const err = await refusal(guard.resolve('127.0.0.1', HTTPS));
    expect(err.message).toBe('refused egress to 127.0.0.1 (loopback); set SIEM_EGRESS_ALLOW to allow it');
  });

  it.each(['[::1]', '[::ffff:127.0.0.1]', '[fe80::1%25eth0]', 'fe80::1%eth0'])('refuses the literal %s', async (host) => {
    expect((await refusal(guard.resolve(host, HTTPS))).code).toBe('egress_refused');
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:0808:0808::1'])(
    'allows the public address %s over TLS and pins it',
    async (ip) => {
      await expect(guard.resolve(ip, HTTPS)).resolves.toEqual({ address: ip, family: ip.includes(':') ? 6 : 4 });
    },
  );
});

describe('egress guard: resolution', () => {
  it('refuses a name when ANY of its addresses is blocked', async () => {
    const resolver = tableResolver({ 'mixed.example': ['8.8.8.8', '10.0.0.5'] });
    const err = await refusal(createEgressGuard({ resolver }).resolve('mixed.example', HTTPS));
    expect(err.message).toBe(
      'refused egress to mixed.example [10.0.0.5] (private); set SIEM_EGRESS_ALLOW to allow it',
    );
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

  it('refuses a resolver answer that is not an IP', async () => {
    const guard = createEgressGuard({ resolver: async () => [{ address: 'evil.example', family: 4 }] });
    expect((await refusal(guard.resolve('x.example', HTTPS))).code).toBe('egress_refused');
  });

  it('checks on every call: a name rebinding from public to loopback is refused', async () => {
    let answer = '93.184.216.34';
    const guard = createEgressGuard({ resolver: async () => [{ address: answer, family: 4 }] });
    await expect(guard.resolve('rebind.example', HTTPS)).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    answer = '127.0.0.1';
    const err = await refusal(guard.resolve('rebind.example', HTTPS));
    expect(err.message).toContain('rebind.example [127.0.0.1] (loopback)');
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

  it('applies an IPv4 allowance to the IPv4-mapped form', async () => {
    const guard = createEgressGuard({ allow: ['127.0.0.0/8'] });
    await expect(guard.resolve('::ffff:127.0.0.1', HTTP)).resolves.toMatchObject({ family: 6 });
  });
});

describe('egress guard: plaintext', () => {
  const resolver = tableResolver({ 'public.example': ['93.184.216.34'], 'collector.lan': ['10.1.1.1'] });

  it('refuses plain http/tcp to a public target that is not allowed', async () => {
    const err = await refusal(createEgressGuard({ resolver }).resolve('public.example', HTTP));
    expect(err.code).toBe('egress_refused');
    expect(err.message).toContain('plain http/tcp');
    expect(err.message).toContain('public.example [93.184.216.34] port 80');
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
