import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileTransforms, REDACTED, type TransformList } from '../../src/transforms/index.ts';

const KEY = 'org-1-hash-key-0123456789abcdef';

const event = {
  class_uid: 3002,
  category_uid: 3,
  activity_id: 1,
  type_uid: 300201,
  severity_id: 2,
  time: 1718020800000,
  message: 'User alice@example.com signed in from 203.0.113.7',
  metadata: { uid: 'evt-1', version: '1.8.0', product: { name: 'AuthOS', vendor_name: 'Acme' }, tenant_uid: 'org-1' },
  user: { uid: 'u-123', name: 'Alice', email_addr: 'alice@example.com', type_id: 1 },
  actor: { user: { uid: 'u-1', name: 'Admin', email_addr: 'admin@example.com' } },
  src_endpoint: { ip: '203.0.113.7', port: 51515, intermediate_ips: ['10.1.2.3', '2001:db8:85a3:8d3:1319:8a2e:370:7348'] },
  observables: [
    { name: 'user.email_addr', type_id: 5, value: 'alice@example.com' },
    { name: 'src_endpoint.ip', type_id: 2, value: '203.0.113.7' },
  ],
  raw_data: '{"login":"alice@example.com","ip":"203.0.113.7","name":"Alice"}',
  unmapped: { region: 'eu', contact: { email: 'alice@example.com' } },
};
const json = JSON.stringify(event);

function run(list: TransformList, input: string | object = json): any {
  const t = compileTransforms(list, { orgHashKey: KEY })!;
  const text = t.text(typeof input === 'string' ? input : JSON.stringify(input));
  return JSON.parse(text);
}

const hmac = (value: string, key = KEY) => `hmac-sha256:${createHmac('sha256', key).update(value).digest('hex')}`;

describe('compileTransforms', () => {
  it('an empty list compiles to nothing to call', () => {
    expect(compileTransforms([])).toBeUndefined();
  });

  it('drop removes a field and leaves the rest byte for byte', () => {
    const t = compileTransforms([{ op: 'drop', path: 'user.type_id' }])!;
    const { type_id: _, ...userRest } = event.user;
    expect(t.text(json)).toBe(JSON.stringify({ ...event, user: userRest }));
  });

  it('drop of the first, middle and last member keeps the separators right', () => {
    for (const path of ['class_uid_x', 'user.uid', 'user.name', 'user.type_id', 'unmapped']) {
      const out = compileTransforms([{ op: 'drop', path }])!.text(json);
      expect(() => JSON.parse(out), path).not.toThrow();
    }
    expect(run([{ op: 'drop', path: 'user.uid' }, { op: 'drop', path: 'user.name' }, { op: 'drop', path: 'user.email_addr' }, { op: 'drop', path: 'user.type_id' }]).user).toEqual({});
  });

  it('drop with [] removes the field from every element, or every element', () => {
    const out = run([{ op: 'drop', path: 'observables[].value' }]);
    expect(out.observables).toEqual([
      { name: 'user.email_addr', type_id: 5 },
      { name: 'src_endpoint.ip', type_id: 2 },
    ]);
    expect(run([{ op: 'drop', path: 'observables[]' }]).observables).toEqual([]);
  });

  it('redact replaces every scalar at and below the path, keeping the structure', () => {
    const out = run([{ op: 'redact', path: 'actor.user' }]);
    expect(out.actor).toEqual({ user: { uid: REDACTED, name: REDACTED, email_addr: REDACTED } });
    expect(run([{ op: 'redact', path: 'user.type_id' }]).user.type_id).toBe(REDACTED);
  });

  it('hash writes HMAC-SHA-256 of the value with the org key, as hmac-sha256:<hex>', () => {
    const out = run([{ op: 'hash', path: 'user.uid' }, { op: 'hash', path: 'src_endpoint.port' }]);
    expect(out.user.uid).toBe(hmac('u-123'));
    expect(out.user.uid).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    // Numbers hash as their text and become strings.
    expect(out.src_endpoint.port).toBe(hmac('51515'));
  });

  it('hash needs the organisation key, of at least 16 bytes', () => {
    expect(() => compileTransforms([{ op: 'hash', path: 'user.uid' }])).toThrow(/hash key/);
    expect(() => compileTransforms([{ op: 'hash', path: 'user.uid' }], { orgHashKey: 'short' })).toThrow(/16 bytes/);
  });

  it('truncate_ip keeps IPv4 /24 and IPv6 /48 and redacts what is not an address', () => {
    const out = run([{ op: 'truncate_ip', path: 'src_endpoint' }]);
    expect(out.src_endpoint).toEqual({ ip: '203.0.113.0', port: REDACTED, intermediate_ips: ['10.1.2.0', '2001:db8:85a3::'] });
  });

  it('rewrites apply in list order; drop wins wherever it is', () => {
    expect(run([{ op: 'truncate_ip', path: 'src_endpoint.ip' }, { op: 'hash', path: 'src_endpoint.ip' }]).src_endpoint.ip).toBe(hmac('203.0.113.0'));
    expect(run([{ op: 'hash', path: 'src_endpoint.ip' }, { op: 'truncate_ip', path: 'src_endpoint.ip' }]).src_endpoint.ip).toBe(REDACTED);
    expect(run([{ op: 'hash', path: 'user.name' }, { op: 'drop', path: 'user' }]).user).toBeUndefined();
    expect(run([{ op: 'drop', path: 'user' }, { op: 'hash', path: 'user.name' }]).user).toBeUndefined();
  });

  it('keep_only keeps the listed paths and the protected ones, nothing else', () => {
    const out = run([{ op: 'keep_only', paths: ['user.uid', 'observables[].type_id', 'src_endpoint'] }]);
    expect(out).toEqual({
      class_uid: 3002,
      category_uid: 3,
      activity_id: 1,
      type_uid: 300201,
      severity_id: 2,
      time: 1718020800000,
      metadata: { uid: 'evt-1', version: '1.8.0', product: { name: 'AuthOS', vendor_name: 'Acme' } },
      user: { uid: 'u-123' },
      src_endpoint: event.src_endpoint,
      observables: [{ type_id: 5 }, { type_id: 2 }],
    });
  });

  it('several keep_only lists keep what all of them keep, wherever they are in the list', () => {
    const a = run([{ op: 'keep_only', paths: ['user', 'src_endpoint.ip'] }, { op: 'hash', path: 'user.uid' }, { op: 'keep_only', paths: ['user.uid', 'src_endpoint'] }]);
    expect(a.user).toEqual({ uid: hmac('u-123') });
    expect(a.src_endpoint).toEqual({ ip: '203.0.113.7' });
    expect(a.message).toBeUndefined();
  });

  it('keep_only removes scalars where it expected containers, and array elements without []', () => {
    const out = run([{ op: 'keep_only', paths: ['message.text', 'observables.value'] }]);
    expect(out.message).toBeUndefined();
    expect(out.observables).toEqual([]);
  });

  it('refuses a list that removes a protected attribute, or skipped validation', () => {
    expect(() => compileTransforms([{ op: 'drop', path: 'metadata.uid' }])).toThrow(/metadata\.uid must stay/);
    expect(() => compileTransforms([{ op: 'drop', path: 'a..b' }])).toThrow(/malformed path/);
  });

  describe('free text', () => {
    it('values removed or rewritten are scrubbed from raw_data, message and unmapped', () => {
      const out = run([{ op: 'drop', path: 'user.email_addr' }, { op: 'hash', path: 'user.name' }, { op: 'truncate_ip', path: 'src_endpoint.ip' }]);
      expect(out.message).toBe(`User ${REDACTED} signed in from 203.0.113.0`);
      expect(JSON.parse(out.raw_data)).toEqual({ login: REDACTED, ip: '203.0.113.0', name: hmac('Alice') });
      expect(out.unmapped).toEqual({ region: 'eu', contact: { email: REDACTED } });
      // Not free text: the observables keep their values unless a transform names them.
      expect(out.observables[0].value).toBe('alice@example.com');
      expect(run([{ op: 'drop', path: 'user.email_addr' }, { op: 'redact', path: 'observables[].value' }]).observables[0].value).toBe(REDACTED);
    });

    it('finds the JSON-escaped form of a value inside raw_data', () => {
      const e = { ...event, user: { uid: 'u', name: 'O"Brien\\x' }, raw_data: JSON.stringify({ name: 'O"Brien\\x' }), message: 'hi O"Brien\\x' };
      const out = run([{ op: 'redact', path: 'user.name' }], e);
      expect(JSON.parse(out.raw_data)).toEqual({ name: REDACTED });
      expect(out.message).toBe(`hi ${REDACTED}`);
    });

    it('replaces the longest value first, and never rewrites a replacement', () => {
      const e = { ...event, user: { uid: 'RED', name: 'alice', email_addr: 'alice@example.com' }, message: 'alice / alice@example.com / RED' };
      const out = run([{ op: 'redact', path: 'user.name' }, { op: 'redact', path: 'user.email_addr' }, { op: 'redact', path: 'user.uid' }], e);
      expect(out.message).toBe(`${REDACTED} / ${REDACTED} / ${REDACTED}`);
    });

    it('leaves values shorter than 3 characters in free text, and drop raw_data removes it whole', () => {
      const e = { ...event, user: { uid: 'u', name: 'Al' }, message: 'Al signed in' };
      expect(run([{ op: 'redact', path: 'user.name' }], e).message).toBe('Al signed in');
      expect(run([{ op: 'drop', path: 'raw_data' }]).raw_data).toBeUndefined();
    });

    it('a keep_only removal alone scrubs nothing', () => {
      const out = run([{ op: 'keep_only', paths: ['user.uid', 'message'] }]);
      expect(out.message).toBe(event.message);
    });
  });

  describe('JSON as stored', () => {
    it('returns the same array when nothing changes', () => {
      const t = compileTransforms([{ op: 'drop', path: 'not_there' }, { op: 'redact', path: 'user.nope' }])!;
      const bytes = Buffer.from(json);
      expect(t.utf8(bytes)).toBe(bytes);
      const whole = Buffer.from(`xx${json}yy`);
      const view = new Uint8Array(whole.buffer, whole.byteOffset + 2, bytes.length);
      expect(t.utf8(view)).toBe(view);
    });

    it('reads keys written with escapes and every duplicate of a key', () => {
      const text = '{"class_uid":3002,"us\\u0065r":{"name":"alice"},"user":{"name":"bob"},"metadata":{"uid":"u","version":"1.8.0","product":{"name":"p"}}}';
      const out = compileTransforms([{ op: 'redact', path: 'user.name' }])!.text(text);
      expect(out).not.toContain('alice');
      expect(out).not.toContain('bob');
      expect(JSON.parse(out)).toEqual({ class_uid: 3002, user: { name: REDACTED }, metadata: { uid: 'u', version: '1.8.0', product: { name: 'p' } } });
    });

    it('handles pretty-printed JSON and unicode', () => {
      const e = { ...event, user: { uid: 'ü-😀', name: 'Zoë', email_addr: 'zoë@exämple.com' }, message: 'Zoë — zoë@exämple.com' };
      const out = compileTransforms([{ op: 'drop', path: 'user.uid' }, { op: 'redact', path: 'user.email_addr' }])!.text(JSON.stringify(e, null, 2));
      const parsed = JSON.parse(out);
      expect(parsed.user).toEqual({ name: 'Zoë', email_addr: REDACTED });
      expect(parsed.message).toBe(`Zoë — ${REDACTED}`);
    });

    it('walks deeply nested free text without recursion', () => {
      const deep = `${'['.repeat(20_000)}"alice@example.com"${']'.repeat(20_000)}`;
      const text = `${JSON.stringify({ ...event, unmapped: undefined }).slice(0, -1)},"unmapped":{"deep":${deep}}}`;
      const out = compileTransforms([{ op: 'drop', path: 'user.email_addr' }])!.text(text);
      expect(out.endsWith(`"${REDACTED}"${']'.repeat(20_000)}}}`)).toBe(true);
    });

    it('throws on text that is not a JSON object', () => {
      const t = compileTransforms([{ op: 'drop', path: 'user' }])!;
      for (const bad of ['', '[1]', '{"user":', '{"user":{"a":1}', '{"a":1}x', '{"a" 1}']) expect(() => t.text(bad), bad).toThrow(/malformed/);
    });
  });
});
