/**
 * Splunk HEC wire format (protocols.md §1.4): one POST to {base}/services/collector/event whose body is the
 * events' envelopes concatenated (newline-separated, never a JSON array). Pure: no I/O, no clock.
 */
import { BodyWriter } from '../shared/body-writer.ts';
import type { DeliveryEvent, EncodedRequest } from '../shared/types.ts';

export interface HecEncoderSettings {
  /** Base URL without any /services/collector… path (see hecBaseUrl). */
  baseUrl: string;
  token: string;
  /** X-Splunk-Request-Channel: one GUID per connector instance, sent on every request. */
  channel: string;
  sourcetype: string;
  host?: string;
  source?: string;
  index?: string;
  gzip: boolean;
}

export interface HecEncoder {
  /** The /event request for a batch (one request; the pipeline keeps batches within the limits). */
  events(events: readonly DeliveryEvent[]): EncodedRequest;
  /** The indexer-acknowledgement status query for these ack ids. */
  ackQuery(ackIds: readonly number[]): EncodedRequest;
}

export function createHecEncoder(settings: HecEncoderSettings): HecEncoder {
  const headers = hecHeaders(settings);
  const eventUrl = `${settings.baseUrl}/services/collector/event`;
  const ackUrl = `${settings.baseUrl}/services/collector/ack`;
  // The per-config metadata is the same for every envelope: serialise it once.
  const metadata =
    (settings.host !== undefined ? `,"host":${JSON.stringify(settings.host)}` : '') +
    (settings.source !== undefined ? `,"source":${JSON.stringify(settings.source)}` : '') +
    `,"sourcetype":${JSON.stringify(settings.sourcetype)}` +
    (settings.index !== undefined ? `,"index":${JSON.stringify(settings.index)}` : '');

  // Envelope bytes around an event's JSON, for sizing the body: time, metadata, fields, braces and newline.
  const framingBytes = Buffer.byteLength(metadata) + 96;
  const afterTime = afterTimeCache(metadata);
  // The events of a batch mostly fall in a few seconds: the digits of the last one are kept.
  let lastSeconds = -1;
  let secondsDigits = Buffer.alloc(0);

  return {
    events(events) {
      let estimate = 0;
      for (const e of events) estimate += (e.jsonUtf8 ? e.jsonUtf8.length : e.json.length) + framingBytes;
      const body = new BodyWriter(estimate);
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        if (i > 0) body.byte(NEWLINE);
        const rest = afterTime(e.classUid, e.severityId);
        const time = hecTimeParts(e.time);
        if (time) {
          if (time.seconds !== lastSeconds) secondsDigits = Buffer.from(String((lastSeconds = time.seconds)), 'latin1');
          body.raw(TIME_OPEN).raw(secondsDigits).byte(DOT).digits(time.millis, 3).raw(rest);
        }
        else body.byte(OPEN_BRACE).raw(rest.subarray(1));
        body.json(e).byte(CLOSE_BRACE);
      }
      return {
        method: 'POST',
        url: eventUrl,
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: body.finish(),
        gzip: settings.gzip,
        eventCount: events.length,
      };
    },
    ackQuery(ackIds) {
      return {
        method: 'POST',
        url: ackUrl,
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify({ acks: ackIds }), 'utf8'),
        gzip: false,
        eventCount: 0,
      };
    },
  };
}

function hecHeaders(settings: HecEncoderSettings): Record<string, string> {
  return { Authorization: `Splunk ${settings.token}`, 'X-Splunk-Request-Channel': settings.channel };
}

const NEWLINE = 0x0a;
const DOT = 0x2e;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const TIME_OPEN = Buffer.from('{"time":');
/** Distinct (class, severity) pairs remembered per encoder; OCSF has a few dozen classes and seven severities. */
const MAX_CACHED_PAIRS = 4096;

/**
 * An envelope is `{"time":…,<metadata>,"fields":{…},"event":<event JSON verbatim>}`. `time` goes first so it is
 * leading in Splunk's raw view; `fields` are indexed fields and must be flat strings (protocols.md §1.4).
 * What follows `time` up to the event's JSON — `,<metadata>,"fields":{…},"event":` — depends only on the event's
 * class and severity: encoded once per pair.
 */
function afterTimeCache(metadata: string): (classUid: number, severityId: number) => Buffer {
  const byClass = new Map<number, Map<number, Buffer>>();
  let size = 0;
  return (classUid, severityId) => {
    let bySeverity = byClass.get(classUid);
    let bytes = bySeverity?.get(severityId);
    if (bytes) return bytes;
    bytes = Buffer.from(`${metadata},"fields":{"class_uid":"${classUid}","severity_id":"${severityId}"},"event":`, 'utf8');
    if (size < MAX_CACHED_PAIRS) {
      if (!bySeverity) byClass.set(classUid, (bySeverity = new Map()));
      bySeverity.set(severityId, bytes);
      size++;
    }
    return bytes;
  };
}

/**
 * Epoch milliseconds → HEC `time`: epoch seconds with exactly three decimals (1718020800123 → "1718020800.123"),
 * written as a JSON number. Built from integers so no float rounding can shift the milliseconds.
 * Unusable times (negative, non-finite, beyond exact integers) → undefined: the envelope omits `time` and
 * Splunk uses receipt time.
 */
export function hecTime(ms: number): string | undefined {
  const parts = hecTimeParts(ms);
  return parts && `${parts.seconds}.${String(parts.millis).padStart(3, '0')}`;
}

function hecTimeParts(ms: number): { seconds: number; millis: number } | undefined {
  if (!Number.isFinite(ms) || ms < 0 || ms > Number.MAX_SAFE_INTEGER) return undefined;
  const whole = Math.floor(ms);
  const millis = whole % 1000;
  return { seconds: (whole - millis) / 1000, millis };
}
