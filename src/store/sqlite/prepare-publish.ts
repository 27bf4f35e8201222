/** The append worker's preparation of a 'publish' body (pipeline/publish-body.ts), with whole-body refusals as data. */
import { readAndPreparePublishBody } from '../../intake/publish-body.ts';
import { bodyRefusal } from '../body-refusal.ts';
import type { PreparePublish } from './append-server.ts';

export const preparePublish: PreparePublish = ({ body, rules, now }) => {
  try {
    const { bytes, format } = body;
    return { prepared: readAndPreparePublishBody(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), format, rules, now) };
  } catch (err) {
    const refusal = bodyRefusal(err);
    if (refusal) return { refused: refusal };
    throw err;
  }
};
