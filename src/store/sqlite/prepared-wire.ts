/**
 * A prepared publish body on its way back from the append worker to the main thread (the Publisher's 'appended'
 * notice carries the events to delivery's in-memory tail). Cloning 1,000 NewEvent objects and their JSON texts
 * cost both threads more than the rest of the reply; but the main thread still has the request's bytes, and most
 * stored texts are exactly elements of them. So: element indexes for those, the other texts themselves, and the
 * remaining fields as columns.
 */
import { elementBytes, type BodyElements } from '../../api/events-body.ts';
import type { ElementTable } from '../../api/json-elements.ts';
import type { NewEvent, PreparedBody } from '../event-log.ts';
import { KeptNewEvent } from '../kept-event.ts';

export interface PreparedWire {
  rejected: PreparedBody['rejected'];
  orgIds: string[];
  count: number;
  /** Per event the index of the request's element whose text is its JSON, or -1: the next of `texts`. */
  sent: Int32Array;
  texts: string[];
  uids: string[];
  /** Per event: classUid, severityId, time. */
  numbers: Float64Array;
  /** Per event: index into orgIds. */
  orgs: Uint32Array;
  /** Where the body's elements are (json-elements.ts Elements data), when the worker found them. */
  elements?: ElementTable;
}

/** A wire's typed arrays: moved to the main thread, not copied. */
export function transferables(wire: PreparedWire): ArrayBuffer[] {
  const buffers = [wire.sent.buffer, wire.numbers.buffer, wire.orgs.buffer] as ArrayBuffer[];
  if (wire.elements) buffers.push(wire.elements.data.buffer as ArrayBuffer);
  return buffers;
}

/** In the worker. Its typed arrays are meant to be transferred, not copied (transferables). */
export function packPrepared(prepared: PreparedBody, elements?: ElementTable): PreparedWire {
  const { valid, sentElement, orgIds } = prepared;
  const count = valid.length;
  const sent = new Int32Array(count);
  const numbers = new Float64Array(count * 3);
  const orgs = new Uint32Array(count);
  const texts: string[] = [];
  const uids = new Array<string>(count);
  const orgIndex = new Map(orgIds.map((id, i) => [id, i]));
  for (let i = 0; i < count; i++) {
    const e = valid[i]!;
    sent[i] = sentElement?.[i] ?? -1;
    if (sent[i]! < 0) texts.push(e.json);
    uids[i] = e.uid;
    numbers[3 * i] = e.classUid;
    numbers[3 * i + 1] = e.severityId;
    numbers[3 * i + 2] = e.time;
    orgs[i] = orgIndex.get(e.orgId)!;
  }
  return { rejected: prepared.rejected, orgIds, count, sent, texts, uids, numbers, orgs, ...(elements && { elements }) };
}

/** On the main thread; `elements`: those of the body the worker prepared (undefined: it had none, so no event is an element). */
export function unpackPrepared(wire: PreparedWire, elements: BodyElements | undefined): PreparedBody {
  const { count, sent, texts, uids, numbers, orgs, orgIds } = wire;
  const valid = new Array<NewEvent>(count);
  let other = 0;
  for (let i = 0; i < count; i++) {
    const element = sent[i]!;
    const orgId = orgIds[orgs[i]!]!;
    const classUid = numbers[3 * i]!;
    const severityId = numbers[3 * i + 1]!;
    const time = numbers[3 * i + 2]!;
    // Kept as sent: its bytes in the request body, decoded only if asked (../kept-event.ts).
    valid[i] =
      element >= 0
        ? new KeptNewEvent(orgId, uids[i]!, classUid, severityId, time, elementBytes(elements!, element))
        : { orgId, uid: uids[i]!, classUid, severityId, time, json: texts[other++]! };
  }
  return { valid, rejected: wire.rejected, orgIds, sentElement: Array.from(sent) };
}
