/**
 * Events kept exactly as they were published, on the main thread: their JSON is a view of the publish request's
 * bytes (`jsonUtf8`), and the text `json` is decoded only when something asks for it (an encoder that does not
 * copy bytes, a dead letter, a preview). HEC, HTTP and Cortex encoders copy the bytes (BodyWriter.json), so on
 * their path ~1 KB per event of strings is never made: strings that would otherwise live in delivery's in-memory
 * tail until delivered, get promoted to the old generation and be marked and compacted there. The main thread
 * does its own garbage collection (bin/siemstream.js: --single-threaded-gc), so that work was its work.
 */
import type { Elements } from '../api/json-elements.ts';
import type { NewEvent, StoredEvent } from './event-log.ts';

function decode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** A NewEvent whose stored JSON is exactly `jsonUtf8` (valid UTF-8: api/events-body.ts keeps no other). */
export class KeptNewEvent implements NewEvent {
  #json: string | undefined;
  constructor(
    public orgId: string,
    public uid: string,
    public classUid: number,
    public severityId: number,
    public time: number,
    public jsonUtf8: Uint8Array,
  ) {}

  get json(): string {
    return (this.#json ??= decode(this.jsonUtf8));
  }

  toJSON(): NewEvent {
    const { orgId, uid, classUid, severityId, time, json } = this;
    return { orgId, uid, classUid, severityId, time, json };
  }
}

/** The same as a StoredEvent (delivery's in-memory tail: pipeline/delivery/event-tail.ts). */
export class KeptStoredEvent implements StoredEvent {
  #json: string | undefined;
  constructor(
    public seq: number,
    public orgId: string,
    public uid: string,
    public classUid: number,
    public severityId: number,
    public time: number,
    public publishedAt: number,
    public jsonUtf8: Uint8Array,
  ) {}

  get json(): string {
    return (this.#json ??= decode(this.jsonUtf8));
  }

  /** `json` is a getter, not an own field: JSON.stringify would leave it out. */
  toJSON(): StoredEvent {
    const { seq, orgId, uid, classUid, severityId, time, publishedAt, json } = this;
    return { seq, orgId, uid, classUid, severityId, time, publishedAt, json };
  }
}

/**
 * Events stored exactly as element `sentElement[i]` of a request body was sent become KeptNewEvents: views of
 * `bytes`, the decoded text (made for JSON.parse) left to die young instead of living on through the append
 * (the appender writes the bytes: src/store/sqlite/append-transaction.ts) and in delivery's in-memory tail.
 * Used where a body was parsed: the main thread (Publisher) and the append worker (prepare-publish.ts).
 */
export function keepAsBytes(events: NewEvent[], sentElement: readonly number[], bytes: Buffer, elements: Elements): void {
  for (let i = 0; i < events.length; i++) {
    const element = sentElement[i]!;
    if (element < 0) continue;
    const e = events[i]!;
    events[i] = new KeptNewEvent(e.orgId, e.uid, e.classUid, e.severityId, e.time, bytes.subarray(elements.start(element), elements.end(element)));
  }
}
