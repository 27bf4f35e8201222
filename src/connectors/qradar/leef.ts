/**
 * OCSF → LEEF 2.0 (protocols.md §7.2), pure. One event becomes one line:
 *
 *   LEEF:2.0|<vendor>|<product>|<version>|<class_uid>-<activity_id>|<delimiter as 0xHH>|devTime=…<d>sev=…<d>cat=…
 *     <d>usrName=…<d>src=…<d>dst=…<d>srcPort=…<d>dstPort=…<d>ocsf=<the event's JSON>
 *
 * - Header: vendor / product / version come from `metadata.product` (`vendor_name`, `name` or `uid`, `version`),
 *   falling back to `siemstream` / `OCSF` / the OCSF schema version. `|` and `\` inside them are escaped with `\`.
 * - Attributes: QRadar's predefined keys, present only when the event has a usable value (`src`/`dst` only for IP
 *   addresses, ports only as integers 0–65535). `devTime` is epoch milliseconds (no `devTimeFormat` needed).
 *   `ocsf` comes last and carries the whole OCSF event, so nothing is lost; QRadar splits an attribute at its
 *   first `=`, so `=` inside values is safe, and `|` is only special in the header.
 * - Line safety: control characters (CR, LF, TAB, …) in attribute and header values become spaces. In the JSON
 *   they can only be insignificant whitespace (inside JSON strings they are always escaped as \n, \u001f, …), so
 *   replacing them with a space keeps `ocsf=` valid, equal JSON.
 * - Delimiter: chosen per event as the first of `^` (IBM's own example), `~`, `` ` `` that occurs in no attribute
 *   value, else 0x1F (unit separator), which cannot occur in any value after the control-character rule above.
 *   Declared in hex (`0x5E`), the form every LEEF 2.0 parser understands.
 * - sev: OCSF severity_id → QRadar 1–10 (SEVERITY_TO_SEV).
 */
import { isIP } from 'node:net';
import { OCSF_CLASS_BY_UID } from '../../ocsf/classes.ts';
import type { DeliveryEvent } from '../shared/types.ts';

/**
 * OCSF severity_id → LEEF `sev` (1 lowest … 10 highest), spread over QRadar's scale so that QRadar's magnitude
 * ranks OCSF levels in the same order: Informational 1, Low 3, Medium 5, High 7, Critical 9, Fatal 10.
 * Unknown (0) → 1: no rating must not raise offenses; Other (99, a source-specific level) → 5, the middle.
 * Any value outside the enum is treated as Unknown.
 */
export const SEVERITY_TO_SEV: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 3, 3: 5, 4: 7, 5: 9, 6: 10, 99: 5 };

export const DELIMITER_CANDIDATES = ['^', '~', '`', '\x1f'] as const;

const FALLBACK_VENDOR = 'siemstream';
const FALLBACK_PRODUCT = 'OCSF';

// C0 controls (and DEL for non-JSON values): would break the line framing or the attribute split.
const CONTROL_IN_VALUE = /[\x00-\x1f\x7f]/g;
const CONTROL_IN_JSON = /[\x00-\x1f]/g;

export function leefSev(severityId: number): number {
  return SEVERITY_TO_SEV[severityId] ?? 1;
}

/** The LEEF 2.0 line for one event (no syslog header, no newline). Parses the event: LEEF needs its fields. */
export function toLeef(event: DeliveryEvent): string {
  const ocsf = parseObject(event.json);
  const metadata = asRecord(ocsf.metadata);
  const product = asRecord(metadata?.product);
  const header = [
    'LEEF:2.0',
    headerField(text(product?.vendor_name) ?? FALLBACK_VENDOR),
    headerField(text(product?.name) ?? text(product?.uid) ?? FALLBACK_PRODUCT),
    headerField(text(product?.version) ?? text(metadata?.version) ?? 'unknown'),
    eventId(event.classUid, ocsf.activity_id),
  ];

  const attributes = leefAttributes(event, ocsf);
  const delimiter = chooseDelimiter(attributes.map(([, v]) => v));
  return `${header.join('|')}|${hexDelimiter(delimiter)}|${attributes.map(([k, v]) => `${k}=${v}`).join(delimiter)}`;
}

/** Ordered [key, sanitised value] pairs; `ocsf` last. */
function leefAttributes(event: DeliveryEvent, ocsf: Record<string, unknown>): [string, string][] {
  const attrs: [string, string][] = [];
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined) attrs.push([key, value.replace(CONTROL_IN_VALUE, ' ')]);
  };
  if (Number.isFinite(event.time)) add('devTime', String(Math.trunc(event.time)));
  add('sev', String(leefSev(event.severityId)));
  add('cat', text(ocsf.class_name) ?? OCSF_CLASS_BY_UID.get(event.classUid)?.caption ?? String(event.classUid));
  const user = asRecord(ocsf.user) ?? asRecord(asRecord(ocsf.actor)?.user);
  add('usrName', text(user?.name) ?? text(user?.uid));
  const src = asRecord(ocsf.src_endpoint);
  const dst = asRecord(ocsf.dst_endpoint);
  add('src', ip(src?.ip));
  add('dst', ip(dst?.ip));
  add('srcPort', port(src?.port));
  add('dstPort', port(dst?.port));
  attrs.push(['ocsf', event.json.replace(CONTROL_IN_JSON, ' ')]);
  return attrs;
}

export function chooseDelimiter(values: readonly string[]): string {
  return DELIMITER_CANDIDATES.find((d) => !values.some((v) => v.includes(d))) ?? '\x1f';
}

/** `^` → `0x5E`. */
export function hexDelimiter(delimiter: string): string {
  return `0x${delimiter.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** `3002-1`: class and activity, the pair QRadar's QID map keys on (with `cat`). */
function eventId(classUid: number, activityId: unknown): string {
  return Number.isInteger(activityId) ? `${classUid}-${activityId}` : String(classUid);
}

function headerField(value: string): string {
  return value.replace(CONTROL_IN_VALUE, ' ').replace(/[\\|]/g, (c) => `\\${c}`);
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
}

function ip(v: unknown): string | undefined {
  return typeof v === 'string' && isIP(v) ? v : undefined;
}

function port(v: unknown): string | undefined {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535 ? String(v) : undefined;
}

/** Total: stored events are valid JSON, but an encoder must not throw — unreadable text still travels in `ocsf`. */
function parseObject(json: string): Record<string, unknown> {
  try {
    return asRecord(JSON.parse(json)) ?? {};
  } catch {
    return {};
  }
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
