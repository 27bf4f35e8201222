import { describe, expect, it } from 'vitest';
import { substituteEnv } from '../../src/registry/env-substitution.ts';

describe('substituteEnv', () => {
  const env = { SPLUNK_TOKEN: 'tok-123', HOST: 'splunk.example.com', EMPTY: '' };

  it('replaces whole and embedded references in nested strings, leaves other values alone', () => {
    const input = { token: '${SPLUNK_TOKEN}', url: 'https://${HOST}:8088', port: 8088, ack: false, tags: ['a', '${HOST}'], headers: { 'X-H': 'v-${HOST}' } };
    const { value, problems } = substituteEnv(input, env);
    expect(problems).toEqual([]);
    expect(value).toEqual({
      token: 'tok-123',
      url: 'https://splunk.example.com:8088',
      port: 8088,
      ack: false,
      tags: ['a', 'splunk.example.com'],
      headers: { 'X-H': 'v-splunk.example.com' },
    });
    expect(input.token).toBe('${SPLUNK_TOKEN}'); // not mutated
  });

  it('reports unset and empty variables by name and path, keeping the text', () => {
    const { value, problems } = substituteEnv({ token: '${MISSING}', api_key: '${EMPTY}', nested: { list: ['${ALSO_MISSING}'] } }, env);
    expect(problems).toEqual([
      { path: ['token'], message: 'environment variable MISSING is not set' },
      { path: ['api_key'], message: 'environment variable EMPTY is not set' },
      { path: ['nested', 'list', 0], message: 'environment variable ALSO_MISSING is not set' },
    ]);
    expect(value.token).toBe('${MISSING}');
  });

  it('writes $${NAME} as a literal ${NAME}', () => {
    expect(substituteEnv({ v: 'a$${SPLUNK_TOKEN}b${HOST}' }, env)).toEqual({ value: { v: 'a${SPLUNK_TOKEN}bsplunk.example.com' }, problems: [] });
  });

  it('reports a malformed reference without echoing its text (it may be part of a secret)', () => {
    const { problems } = substituteEnv({ token: 'abc${not a name}def' }, env);
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toEqual(['token']);
    expect(problems[0].message).not.toContain('not a name');
  });

  it('leaves strings without references untouched, including a lone "$"', () => {
    expect(substituteEnv({ a: 'cost $5', b: '{x}' }, env)).toEqual({ value: { a: 'cost $5', b: '{x}' }, problems: [] });
  });
});
