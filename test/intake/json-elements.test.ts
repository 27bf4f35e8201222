import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ESCAPED_KEY, LINE_BREAK, NOT_ONE_VALUE, REPEATED_METADATA, REPEATED_TENANT, jsonArrayElements, ndjsonLines, type Elements } from '../../src/intake/json-elements.ts';

/** Element i as a plain object, for assertions. */
const element = (e: Elements, i: number) => ({ start: e.start(i), end: e.end(i), depth: e.depth(i), flags: e.flags(i), metadataObject: e.metadataObject(i) });
const list = (e: Elements) => Array.from({ length: e.count }, (_, i) => element(e, i));
/** The scan works on UTF-8 bytes: element texts are decoded from their byte ranges. */
const bytesOf = (text: string) => Buffer.from(text);
const elementTexts = (text: string) => {
  const bytes = bytesOf(text);
  const elements = jsonArrayElements(bytes);
  return elements && list(elements).map((r) => bytes.toString('utf8', r.start, r.end));
};
const parseElements = (text: string) => elementTexts(text)?.map((t) => JSON.parse(t));

describe('jsonArrayElements', () => {
  it('finds each element of any JSON array, compact or indented, and its nesting depth', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ stringUnit: 'binary' })), fc.constantFrom(undefined, 0, 2, '\t'), (values, indent) => {
        const text = ` ${JSON.stringify(values, null, indent)}\n`;
        // -0 becomes 0 in JSON: compare with what JSON.parse of the whole text gives.
        expect(parseElements(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
    const text = '[{"a":[{"b":[]}]}, "x]\\"{", 1, [[]] ,null]';
    expect(elementTexts(text)!.map((t, i) => [t, jsonArrayElements(bytesOf(text))!.depth(i)])).toEqual([
      ['{"a":[{"b":[]}]}', 4],
      ['"x]\\"{"', 0],
      ['1', 0],
      ['[[]]', 2],
      ['null', 0],
    ]);
  });

  it('never splits a text that is not a JSON array into elements that all parse', () => {
    // Texts from JSON's structural alphabet: mostly invalid. Whenever every element found parses, the whole
    // text must be a valid array with exactly those elements (the split never accepts what JSON.parse refuses).
    const alphabet = fc.constantFrom('[', ']', '{', '}', ',', ':', '"', '\\', ' ', '1', 'a', 'null', '"k"');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 24 }).map((parts) => parts.join('')), (text) => {
        let elements: unknown[] | undefined;
        try {
          elements = parseElements(text);
        } catch {
          return; // an element is not JSON: the body is refused
        }
        if (elements === undefined) return; // not split: parsed whole instead
        expect(JSON.parse(text)).toEqual(elements);
      }),
      { numRuns: 3000 },
    );
  });

  it('returns undefined for a non-array or broken top level', () => {
    for (const text of ['{"events":[]}', '"[1]"', '[1 2]', '[1,]', '[,1]', '[1]x', '[{"a":1}}]', '[', '["abc]', '']) {
      expect(jsonArrayElements(bytesOf(text)), text).toBeUndefined();
    }
    expect(jsonArrayElements(bytesOf(' [ ] '))!.count).toBe(0);
    // Growth: many more (small) elements than the size-based first guess.
    const many = `[${Array(5000).fill('{"a":1}').join(',')}]`;
    expect(elementTexts(many)).toEqual(Array(5000).fill('{"a":1}'));
  });
});

describe('ndjsonLines', () => {
  it('gives each non-blank line its one value, or the whole line when it holds other than one value', () => {
    const text = ' {"a":"}\\n"} \r\n\n  \n{"a":1} {"b":2}\n\u00a0\n"x"\n{"a":1';
    const bytes = bytesOf(text);
    const blank = (from: number, to: number) => bytes.toString('utf8', from, to).trim() === '';
    const lines = list(ndjsonLines(bytes, blank)).map((r) => ({ text: bytes.toString('utf8', r.start, r.end), flags: r.flags }));
    expect(lines).toEqual([
      { text: '{"a":"}\\n"}', flags: 0 },
      { text: '{"a":1} {"b":2}', flags: NOT_ONE_VALUE },
      { text: '"x"', flags: 0 },
      { text: '{"a":1', flags: NOT_ONE_VALUE },
    ]);
    expect(ndjsonLines(bytesOf('\n\n'), blank).count).toBe(0);
  });
});

describe('what the scan notes for storing the text', () => {
  it('line breaks between tokens, escaped keys, counts of "metadata" / "tenant_uid" keys, the top-level metadata object', () => {
    const text = '[{"a":{"metadata":1},"metadata" : {"tenant_uid":"x","v":"metadata"}}, {\n"b":1}, {"k\\u0041":"tenant_uid"}]';
    const [first, second, third] = list(jsonArrayElements(bytesOf(text))!);
    expect(first.flags).toBe(REPEATED_METADATA);
    expect(elementTexts(text)![0]!.slice(first.metadataObject, first.metadataObject + 14)).toBe('{"tenant_uid":');
    expect(second).toMatchObject({ flags: LINE_BREAK, metadataObject: -1 });
    expect(third.flags).toBe(ESCAPED_KEY);
    const tenants = '[{"tenant_uid":"a","x":{"tenant_uid":"b"}}]';
    expect(jsonArrayElements(bytesOf(tenants))!.flags(0)).toBe(REPEATED_TENANT);
  });

  it('gives where the metadata object starts in the element\'s text, whatever UTF-8 (2-, 3-, 4-byte) comes before it', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.record({ a: text, metadata: fc.dictionary(text, text, { maxKeys: 3 }) }), { minLength: 1, maxLength: 4 }), (events) => {
        const body = JSON.stringify(events);
        const elements = jsonArrayElements(bytesOf(body))!;
        elementTexts(body)!.forEach((t, i) => {
          const metadata = JSON.stringify(events[i]!.metadata);
          expect(t.slice(elements.metadataObject(i), elements.metadataObject(i) + metadata.length)).toBe(metadata);
        });
      }),
      { numRuns: 300 },
    );
    expect(elementTexts('["ä😀x", {"😀":"São","metadata":{}}]')).toEqual(['"ä😀x"', '{"😀":"São","metadata":{}}']);
    expect(jsonArrayElements(bytesOf('[{"😀":"São","metadata":{}}]'))!.metadataObject(0)).toBe(23);
  });
});
