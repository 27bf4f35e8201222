import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { elasticConnector } from '../../../src/connectors/elastic/index.ts';
import { httpConnector } from '../../../src/connectors/http/index.ts';
import { instantiateConnector } from '../../../src/connectors/shared/redacting-connector.ts';
import { REDACTED, SecretRedactor, secretRedactor } from '../../../src/connectors/shared/secret-redactor.ts';
import { trimBodyText } from '../../../src/connectors/shared/classify.ts';
import type { Connector, ConnectorDefinition, ConnectorDeps } from '../../../src/connectors/shared/types.ts';
import { sumoLogicConnector } from '../../../src/connectors/sumo-logic/index.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('SecretRedactor', () => {
  const secret = 'se"cr/et+key=va\\lue 42';
  const r = new SecretRedactor([secret]);

  it.each([
    ['as is', secret],
    ['base64', b64(secret)],
    ['base64 without padding', b64(secret).replace(/=+$/, '')],
    ['base64url', Buffer.from(secret).toString('base64url')],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', encodeURIComponent(secret).replace(/%20/g, '+')],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
    ['JSON-escaped with \\/', JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/')],
  ])('hides the secret %s', (_form, text) => {
    const out = r.redact(`invalid credentials: ${text} (rejected)`);
    expect(out).toBe(`invalid credentials: ${REDACTED} (rejected)`);
  });

  it('hides the value of a "Name: value" secret, the token after an auth scheme, and decoded id:key / user:password', () => {
    const header = new SecretRedactor(['X-Api-Key: hdr-secret-0001']);
    expect(header.redact('bad key hdr-secret-0001')).toBe(`bad key ${REDACTED}`);
    const basic = new SecretRedactor([`Authorization: Basic ${b64('svc:pw-0123456')}`]);
    expect(basic.redact(`got ${b64('svc:pw-0123456')} = svc:pw-0123456, password pw-0123456`)).toBe(`got ${REDACTED} = ${REDACTED}, password ${REDACTED}`);
  });

  it('knows the credentials a connector derives (Elasticsearch Basic auth) and the token of a secret URL (Sumo Logic)', () => {
    const es = secretRedactor(elasticConnector, { host: 'https://es:9200', username: 'elastic', password: 'es-pass-0123' });
    expect(es.redact(`Authorization: Basic ${b64('elastic:es-pass-0123')}`)).toBe(`Authorization: Basic ${REDACTED}`);
    const sumo = secretRedactor(sumoLogicConnector, { url: 'https://e.sumologic.com/receiver/v1/http/ZaVnC4dhaV2bXfjq' });
    expect(sumo.redact('unknown collector ZaVnC4dhaV2bXfjq')).toBe(`unknown collector ${REDACTED}`);
    const http = secretRedactor(httpConnector, { url: 'https://c/x', hmac_secret: 'hmac-secret-0123456789' });
    expect(http.redact('key hmac-secret-0123456789')).toBe(`key ${REDACTED}`);
  });

  it('hides a secret cut in half by the 500-character limit and one whose whitespace was collapsed', () => {
    const token = 'tok-0123456789abcdefghij';
    const r2 = new SecretRedactor([token, 'two  words\tsecret']);
    const cut = trimBodyText(`${'x'.repeat(490)} ${token} and more`);
    expect(cut.endsWith(' tok-0123…')).toBe(true);
    expect(r2.redact(cut)).toBe(`${'x'.repeat(490)} ${REDACTED}…`);
    expect(r2.redact(trimBodyText('echo: two  words\tsecret'))).toBe(`echo: ${REDACTED}`);
  });

  it('learns credentials obtained at run time', () => {
    const r3 = new SecretRedactor([]);
    expect(r3.redact('Bearer eyJ0eXAiOiJKV1Qi.access')).toBe('Bearer eyJ0eXAiOiJKV1Qi.access');
    r3.add('eyJ0eXAiOiJKV1Qi.access');
    expect(r3.redact('Bearer eyJ0eXAiOiJKV1Qi.access')).toBe(`Bearer ${REDACTED}`);
  });

  it('does not search for fragments too short to be told from ordinary text', () => {
    expect(new SecretRedactor(['abc']).redact('abc abc')).toBe('abc abc');
  });
});

describe('instantiateConnector', () => {
  const SECRET = 'super-secret-token-0123';
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => (lines.push(c.toString()), cb()) }));
  const deps = { logger, now: Date.now } as unknown as ConnectorDeps;
  const fake = (impl: Partial<Connector> & { onCreate?: (deps: ConnectorDeps) => void }): ConnectorDefinition<any> => ({
    ...httpConnector,
    create(_config, d) {
      impl.onCreate?.(d);
      return { type: 'http', limits: { maxEventsPerRequest: 1, maxRequestBytes: 1, maxEventBytes: 1 }, encode: () => [], send: async () => ({ kind: 'success' }), test: async () => ({ success: true, message: 'ok', eventsSent: 1 }), close: async () => {}, ...impl } as Connector;
    },
  });
  const config = { url: 'https://c/x', api_key: SECRET };

  it('redacts outcomes, rejected reasons, test results, thrown errors and log lines', async () => {
    let logged: ConnectorDeps['logger'] | undefined;
    const c = instantiateConnector(
      fake({
        onCreate: (d) => (logged = d.logger),
        send: async () => ({ kind: 'partial', retry: [], rejected: [{ index: 0, reason: `bad ${SECRET}` }], message: `HTTP 400: ${SECRET}` }),
        test: async () => ({ success: false, message: `invalid token Bearer ${SECRET}`, eventsSent: 0 }),
      }),
      config,
      deps,
    );
    expect(await c.send([])).toEqual({ kind: 'partial', retry: [], rejected: [{ index: 0, reason: `bad ${REDACTED}` }], message: `HTTP 400: ${REDACTED}` });
    expect((await c.test({} as never)).message).toBe(`invalid token Bearer ${REDACTED}`);
    logged!.child({ c: 1 }).warn({ err: new Error(`status ${SECRET}`), detail: { text: SECRET } }, `ack failed ${SECRET}`);
    expect(lines.join('')).not.toContain(SECRET);
    expect(lines.join('')).toContain(REDACTED);

    const throwing = instantiateConnector(fake({ send: async () => Promise.reject(new Error(`boom ${SECRET}`)) }), config, deps);
    await expect(throwing.send([])).rejects.toThrow(`boom ${REDACTED}`);
    expect(() => instantiateConnector({ ...httpConnector, create: () => { throw new Error(`cannot use ${SECRET}`); } }, config, deps)).toThrow(`cannot use ${REDACTED}`);
  });

  it('redacts a token the connector obtained at run time (noteSecret)', async () => {
    const c = instantiateConnector(
      fake({ onCreate: (d) => d.noteSecret?.('oauth-access-token-xyz'), send: async () => ({ kind: 'auth', message: 'invalid Bearer oauth-access-token-xyz' }) }),
      config,
      deps,
    );
    expect((await c.send([])).message).toBe(`invalid Bearer ${REDACTED}`);
  });
});
