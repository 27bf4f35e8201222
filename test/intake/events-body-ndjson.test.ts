/**
 * NDJSON bodies are scanned as bytes, line by line (json-elements.ts ndjsonLines). What they mean is defined by
 * the simple reading: split at \n, skip lines that String#trim empties, JSON.parse each other line, a line that
 * fails is rejected with its index among the non-blank lines.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { UNPARSABLE_LINE, parseEventsBody } from '../../src/intake/events-body.ts';

function reference(text: string) {
  const events: unknown[] = [];
  const unparsable: { index: number; error: string }[] = [];
  let index = 0;
  for (const line of text.replace(/^\ufeff/, '').split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line));
    } catch {
      unparsable.push({ index, error: UNPARSABLE_LINE });
    }
    index++;
  }
  return { events, unparsable };
}

it('reads any NDJSON text as the simple line-by-line reading does', () => {
  const line = fc.oneof(
    fc.jsonValue({ stringUnit: 'binary' }).map((v) => JSON.stringify(v)),
    fc.jsonValue().map((v) => ` ${JSON.stringify(v, null, 1).replaceAll('\n', ' ')}\r`),
    fc.constantFrom('', ' ', '\r', '\t \r', '\u00a0', '\u2028 ', '\v', ' \f\r', '{"a":1} {"b":2}', '{"a":', '1 2', 'nul', '\u00a0{"a":1}', '"x"'),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), (lines, bom) => {
      const text = `${bom ? '\ufeff' : ''}${lines.join('\n')}`;
      const body = parseEventsBody(Buffer.from(text), 'ndjson');
      const expected = reference(text);
      expect(body.events).toEqual(expected.events);
      expect(body.unparsable).toEqual(expected.unparsable);
      // Kept texts are exactly the value as sent (no surrounding whitespace), and parse to the event.
      body.texts!.forEach((t, i) => t && expect(JSON.parse(t.text)).toEqual(body.events[i]));
    }),
    { numRuns: 500 },
  );
});

it('skips lines that only String#trim calls blank (\\v, \\f), found by the property above', () => {
  const text = '{"a":1}\n\u000b\n \f \r\nx\n{"b":2}';
  const body = parseEventsBody(Buffer.from(text), 'ndjson');
  expect(body.events).toEqual([{ a: 1 }, { b: 2 }]);
  expect(body.unparsable).toEqual([{ index: 1, error: UNPARSABLE_LINE }]);
  expect(reference(text)).toEqual({ events: body.events, unparsable: body.unparsable });
});
