/**
 * A prepared publish body on its way back from the append worker to the main thread (the Publisher's 'appended'
 * notice carries the events to delivery's in-memory tail). Cloning 1,000 NewEvent objects and their JSON texts
 * cost both threads more than the rest of the reply; but the main thread still has the request's decoded text,
 * and most stored texts are slices of it. So: offsets into that text for those, the other texts themselves, and
 * the remaining fields as columns.
 */
import type { NewEvent } from '../../pipeline/event-log.ts';
import type { PreparedBody } from '../../pipeline/publish-body.ts';

export interface PreparedWire {
  rejected: PreparedBody['rejected'];
  orgIds: string[];
  count: number;
  /** Per event [start, end) of its JSON in the request's text, or [-1, -1]: the next of `texts`. */
  spans: Int32Array;
  texts: string[];
  uids: string[];
  /** Per event: classUid, severityId, time. */
  numbers: Float64Array;
  /** Per event: index into orgIds. */
  orgs: Uint32Array;
}

/** In the worker. Its typed arrays are meant to be transferred, not copied. */
export function packPrepared(prepared: PreparedBody): PreparedWire {
  const { valid, sentAt, orgIds } = prepared;
  const count = valid.length;
  const spans = new Int32Array(count * 2);
  const numbers = new Float64Array(count * 3);
  const orgs = new Uint32Array(count);
  const texts: string[] = [];
  const uids = new Array<string>(count);
  const orgIndex = new Map(orgIds.map((id, i) => [id, i]));
  for (let i = 0; i < count; i++) {
    const e = valid[i]!;
    const at = sentAt?.[i] ?? -1;
    if (at >= 0) {
      spans[2 * i] = at;
      spans[2 * i + 1] = at + e.json.length;
    } else {
      spans[2 * i] = -1;
      spans[2 * i + 1] = -1;
      texts.push(e.json);
    }
    uids[i] = e.uid;
    numbers[3 * i] = e.classUid;
    numbers[3 * i + 1] = e.severityId;
    numbers[3 * i + 2] = e.time;
    orgs[i] = orgIndex.get(e.orgId)!;
  }
  return { rejected: prepared.rejected, orgIds, count, spans, texts, uids, numbers, orgs };
}

/** On the main thread; `text` is the decoded body the worker prepared. */
export function unpackPrepared(wire: PreparedWire, text: string): PreparedBody {
  const { count, spans, texts, uids, numbers, orgs, orgIds } = wire;
  const valid = new Array<NewEvent>(count);
  let other = 0;
  for (let i = 0; i < count; i++) {
    const start = spans[2 * i]!;
    valid[i] = {
      orgId: orgIds[orgs[i]!]!,
      uid: uids[i]!,
      classUid: numbers[3 * i]!,
      severityId: numbers[3 * i + 1]!,
      time: numbers[3 * i + 2]!,
      json: start >= 0 ? text.slice(start, spans[2 * i + 1]) : texts[other++]!,
    };
  }
  return { valid, rejected: wire.rejected, orgIds };
}
