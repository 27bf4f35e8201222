import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyWriter, joinedBody, joinedEventsBody } from '../../../src/connectors/shared/body-writer.ts';

describe('BodyWriter', () => {
  it('writes exactly the UTF-8 of its pieces, growing past a low estimate for multi-byte text', () => {
    const w = new BodyWriter(0);
    const pieces = ['{"city":"São Paulo"}', '日本語'.repeat(200), '🙂'.repeat(300)];
    for (const p of pieces) w.text(p).byte(0x0a);
    expect(w.finish().equals(Buffer.from(pieces.map((p) => `${p}\n`).join(''), 'utf8'))).toBe(true);
  });

  it('property: joinedBody = Buffer.from(open + items joined + close) for any text and any estimate', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 400 }), { maxLength: 30 }), fc.constantFrom('\n', ','), fc.boolean(), (items, separator, bracket) => {
        const opts = bracket ? { separator, open: '[', close: ']' } : { separator };
        const expected = Buffer.from(`${bracket ? '[' : ''}${items.join(separator)}${bracket ? ']' : ''}`, 'utf8');
        expect(joinedBody(items, (s) => s, opts).equals(expected)).toBe(true);
      }),
    );
  });

  it("writes an event's UTF-8 bytes when it has them, else its JSON text encoded", () => {
    // Bytes that differ from the text show which one was written (the pipeline only gives bytes equal to it).
    const events = [{ json: '{"a":"é"}' }, { json: '{"b":1}', jsonUtf8: Buffer.from('{"b":"bytes"}') }, { json: '{"c":"🙂"}', jsonUtf8: Buffer.from('{"c":"🙂"}') }];
    expect(joinedEventsBody(events, { separator: '\n', close: '\n' }).toString()).toBe('{"a":"é"}\n{"b":"bytes"}\n{"c":"🙂"}\n');
    expect(joinedEventsBody(events, { separator: ',', open: '[', close: ']' }).toString()).toBe('[{"a":"é"},{"b":"bytes"},{"c":"🙂"}]');
    expect(new BodyWriter(0).json(events[0]!).json(events[1]!).finish().toString()).toBe('{"a":"é"}{"b":"bytes"}');
  });

  it('writes framing bytes and decimal integers in place', () => {
    const framing = Buffer.from('{"time":');
    const long = Buffer.from(',"sourcetype":"ocsf","fields":{"class_uid":"3002","severity_id":"2"},"event":'.repeat(2));
    const w = new BodyWriter(4).raw(framing).digits(1718020800).byte(0x2e).digits(7, 3).raw(long).digits(0).digits(42, 1);
    expect(w.finish().toString()).toBe(`{"time":1718020800.007${long.toString()}042`);
    expect(() => new BodyWriter(8).digits(-1)).toThrow(RangeError);
    expect(() => new BodyWriter(8).digits(1.5)).toThrow(RangeError);
  });

  it('refuses a separator that is not one ASCII character', () => {
    expect(() => joinedBody(['a'], (s) => s, { separator: 'é' })).toThrow(/not one ASCII character/);
    expect(() => joinedBody(['a'], (s) => s, { separator: ', ' })).toThrow(/not one ASCII character/);
  });
});
