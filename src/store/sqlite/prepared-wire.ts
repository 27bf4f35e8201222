/**
 * A prepared publish body on its way back from the append worker to the main thread (the Publisher's 'appended'
 * notice carries the events to delivery's in-memory tail). Cloning 1,000 NewEvent objects and their JSON texts
 * cost both threads more than the rest of the reply; but the main thread still has the request's bytes, and most
 * stored texts are exactly a range of them (events kept as sent: their bytes are a view of the body). So: byte
 * ranges for those, the other texts themselves, and the remaining fields as columns.
 */
import type { NewEvent, PreparedBody } from '../event-log.ts';
import { KeptNewEvent } from '../kept-event.ts';

export interface PreparedWire {
  rejected: PreparedBody['rejected'];
  orgIds: string[];
  count: number;
  /**
   * Per event two entries: where its JSON is in the request body's bytes, [start, end), for an event kept as
   * sent; -1, -1 for the others, whose JSON is the next of `texts`.
   */
  kept: Int32Array;
  texts: string[];
  uids: string[];
  /** Per event: classUid, severityId, time. */
  numbers: Float64Array;
  /** Per event: index into orgIds. */
  orgs: Uint32Array;
}

/** A wire's typed arrays: moved to the main thread, not copied. */
export function transferables(wire: PreparedWire): ArrayBuffer[] {
  return [wire.kept.buffer, wire.numbers.buffer, wire.orgs.buffer] as ArrayBuffer[];
}

/**
 * In the worker; `body`: the request's bytes the body was prepared from. Its typed arrays are meant to be
 * transferred, not copied (transferables).
 */
export function packPrepared(prepared: PreparedBody, body: Uint8Array): PreparedWire {
  const { valid, orgIds } = prepared;
  const count = valid.length;
  const kept = new Int32Array(count * 2);
  const numbers = new Float64Array(count * 3);
  const orgs = new Uint32Array(count);
  const texts: string[] = [];
  const uids = new Array<string>(count);
  const orgIndex = new Map(orgIds.map((id, i) => [id, i]));
  for (let i = 0; i < count; i++) {
    const e = valid[i]!;
    const start = keptStart(e, body);
    kept[2 * i] = start;
    kept[2 * i + 1] = start < 0 ? -1 : start + e.jsonUtf8!.byteLength;
    if (start < 0) texts.push(e.json);
    uids[i] = e.uid;
    numbers[3 * i] = e.classUid;
    numbers[3 * i + 1] = e.severityId;
    numbers[3 * i + 2] = e.time;
    orgs[i] = orgIndex.get(e.orgId)!;
  }
  return { rejected: prepared.rejected, orgIds, count, kept, texts, uids, numbers, orgs };
}

/**
 * Where an event's JSON starts in `body` when its bytes are a view of them (an event kept as sent), else -1.
 * Asked of `jsonUtf8` rather than by class: whatever made the event may be a separately bundled copy of it.
 */
function keptStart(e: NewEvent, body: Uint8Array): number {
  const bytes = e.jsonUtf8;
  if (bytes === undefined) return -1;
  const start = bytes.byteOffset - body.byteOffset;
  return bytes.buffer === body.buffer && start >= 0 && start + bytes.byteLength <= body.byteLength ? start : -1;
}

/** On the main thread; `body`: the same bytes as the worker's (the main thread's copy). */
export function unpackPrepared(wire: PreparedWire, body: Buffer): PreparedBody {
  const { count, kept, texts, uids, numbers, orgs, orgIds } = wire;
  const valid = new Array<NewEvent>(count);
  let other = 0;
  for (let i = 0; i < count; i++) {
    const start = kept[2 * i]!;
    const orgId = orgIds[orgs[i]!]!;
    const classUid = numbers[3 * i]!;
    const severityId = numbers[3 * i + 1]!;
    const time = numbers[3 * i + 2]!;
    // Kept as sent: its bytes in the request body, decoded only if asked (../kept-event.ts).
    valid[i] =
      start >= 0
        ? new KeptNewEvent(orgId, uids[i]!, classUid, severityId, time, body.subarray(start, kept[2 * i + 1]!))
        : { orgId, uid: uids[i]!, classUid, severityId, time, json: texts[other++]! };
  }
  return { valid, rejected: wire.rejected, orgIds };
}
