/** readEventsBody: the request stream → text, chunk by chunk. */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { readEventsBody } from '../../src/api/events-body.ts';

it('decodes UTF-8 split across chunks, replaces invalid bytes like Buffer#toString, and decompresses gzip as it streams', async () => {
  const bytes = Buffer.concat([Buffer.from('[{"city":"São Paulo","x":"'), Buffer.from([0xff]), Buffer.from('"}]')]);
  // Split inside the two bytes of "ã".
  const cut = bytes.indexOf(0xc3) + 1;
  const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
  expect(await readEventsBody(Readable.from(chunks), undefined)).toBe(bytes.toString('utf8'));
  const gz = gzipSync(bytes);
  expect(await readEventsBody(Readable.from([gz.subarray(0, 7), gz.subarray(7)]), 'gzip')).toBe(bytes.toString('utf8'));
  await expect(readEventsBody(Readable.from([Buffer.from('x')]), 'gzip')).rejects.toMatchObject({ statusCode: 400 });
  await expect(readEventsBody(Readable.from([Buffer.from('[]')]), 'br')).rejects.toMatchObject({ statusCode: 415 });
  await expect(readEventsBody(Readable.from([Buffer.from('[]')]), undefined, String(11 * 1024 * 1024))).rejects.toMatchObject({ statusCode: 413 });
});
