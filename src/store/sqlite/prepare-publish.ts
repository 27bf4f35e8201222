/** The append worker's preparation of a 'publish' body (pipeline/publish-body.ts), with whole-body refusals as data. */
import { scannedElements } from '../../api/events-body.ts';
import { keepAsBytes } from '../../pipeline/kept-event.ts';
import { bodyRefusal, preparePublishBody } from '../../pipeline/publish-body.ts';
import type { PreparePublish } from './append-server.ts';

export const preparePublish: PreparePublish = ({ body, rules, now }) => {
  try {
    const prepared = preparePublishBody(body, rules, now);
    // Kept events are written from the body's bytes: their texts die with the parse (kept-event.ts).
    const elements = scannedElements(body);
    if (elements && prepared.sentElement) keepAsBytes(prepared.valid, prepared.sentElement, elements.bytes, elements.table);
    return { prepared };
  } catch (err) {
    const refusal = bodyRefusal(err);
    if (refusal) return { refused: refusal };
    throw err;
  }
};
