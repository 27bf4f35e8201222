/** readEventsBody (the request stream → bytes) and scanEventsBody (bytes → each element's text). */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { elementText, parseEventsBody, readEventsBody, scanEventsBody, scannedElements } from '../../src/intake/events-body.ts';

it('joins the chunks, decompresses gzip as it streams, and refuses bad encodings and sizes', async () => {
  const bytes = Buffer.from('[{"city":"São Paulo"}]');
  // Split inside the two bytes of "ã".
  const cut = bytes.indexOf(0xc3) + 1;
  expect(await readEventsBody(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]), undefined)).toEqual(bytes);
  const gz = gzipSync(bytes);
  expect(await readEventsBody(Readable.from([gz.subarray(0, 7), gz.subarray(7)]), 'gzip')).toEqual(bytes);
  await expect(readEventsBody(Readable.from([Buffer.from('x')]), 'gzip')).rejects.toMatchObject({ statusCode: 400 });
  await expect(readEventsBody(Readable.from([Buffer.from('[]')]), 'br')).rejects.toMatchObject({ statusCode: 415 });
  await expect(readEventsBody(Readable.from([Buffer.from('[]')]), undefined, String(11 * 1024 * 1024))).rejects.toMatchObject({ statusCode: 413 });
});

it('decodes each element as Buffer#toString decodes the body; invalid bytes become U+FFFD and those texts are not kept as sent', () => {
  const valid = Buffer.from('\ufeff[{"city":"São Paulo","metadata":{"v":"😀"}}, {"b":"x"}]');
  const elements = scannedElements(scanEventsBody(valid, 'json'))!;
  // After a structured clone too (the append worker's copy is a Uint8Array).
  const cloned = scannedElements(structuredClone(scanEventsBody(valid, 'json')))!;
  const texts = ['{"city":"São Paulo","metadata":{"v":"😀"}}', '{"b":"x"}'];
  expect([0, 1].map((i) => elementText(elements, i))).toEqual(texts);
  expect([0, 1].map((i) => elementText(cloned, i))).toEqual(texts);
  expect(parseEventsBody(valid, 'json').texts!.map((t) => t?.text)).toEqual(texts);

  const invalid = Buffer.concat([Buffer.from('[{"x":"'), Buffer.from([0xff, 0xc3]), Buffer.from('"}, {"y":"ã"}]')]);
  const body = parseEventsBody(invalid, 'json');
  expect(body.events).toEqual(JSON.parse(invalid.toString('utf8')));
  expect(body.texts).toEqual([undefined, undefined]);
  // The same for NDJSON lines and for a body parsed whole.
  expect(parseEventsBody(Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff]), Buffer.from('"}\n')]), 'ndjson').events).toEqual([{ x: '\ufffd' }]);
  expect(parseEventsBody(Buffer.concat([Buffer.from('{"events":[{"x":"'), Buffer.from([0xff]), Buffer.from('"}]}')]), 'json').events).toEqual([{ x: '\ufffd' }]);
});
