import { describe, expect, it } from 'vitest';
import { warningHeaderValue } from '../../../src/api/authos/warning-headers.ts';

describe('Warning header values', () => {
  it('quote the text, escape quotes and backslashes, and replace what a header cannot carry', () => {
    expect(warningHeaderValue('config.url: could not resolve x.test')).toBe('199 siemstream "config.url: could not resolve x.test"');
    expect(warningHeaderValue('say "hi" \\ bye')).toBe('199 siemstream "say \\"hi\\" \\\\ bye"');
    expect(warningHeaderValue('naïve\nname')).toBe('199 siemstream "na?ve?name"');
  });
});
