/**
 * Events kept exactly as they were published: their JSON is a view of the publish request's bytes (`jsonUtf8`),
 * and the text `json` is decoded only when something asks for it (an encoder that does not copy bytes, a dead
 * letter, a preview). HEC, HTTP and Cortex encoders copy the bytes (BodyWriter.json), and the SQLite append writes
 * them (sqlite/append-transaction.ts), so on that path ~1 KB per event of strings is never kept: strings
 * that would otherwise live through the append and in delivery's in-memory tail until delivered, get promoted to
 * the old generation and be marked and compacted there. Made where a body is prepared, on the main thread or in
 * the SQLite append worker, and from the worker's reply (sqlite/prepared-wire.ts).
 */
import type { NewEvent, StoredEvent } from './event-log.ts';

/** A NewEvent whose stored JSON is exactly `jsonUtf8` (valid UTF-8: a body that is not is never kept as sent). */
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
    const bytes = this.jsonUtf8;
    return (this.#json ??= Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  }

  /** `json` is a getter, not an own field: JSON.stringify would leave it out. */
  toJSON(): NewEvent {
    const { orgId, uid, classUid, severityId, time, json } = this;
    return { orgId, uid, classUid, severityId, time, json };
  }
}

/** The same as a StoredEvent (delivery's in-memory tail: pipeline/delivery/event-tail.ts). */
export class KeptStoredEvent extends KeptNewEvent implements StoredEvent {
  constructor(
    public seq: number,
    orgId: string,
    uid: string,
    classUid: number,
    severityId: number,
    time: number,
    public publishedAt: number,
    jsonUtf8: Uint8Array,
  ) {
    super(orgId, uid, classUid, severityId, time, jsonUtf8);
  }

  override toJSON(): StoredEvent {
    return { seq: this.seq, ...super.toJSON(), publishedAt: this.publishedAt };
  }
}
