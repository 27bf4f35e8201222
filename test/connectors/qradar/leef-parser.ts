/**
 * A strict LEEF 2.0 and RFC 5424 reader for the QRadar mocks: what QRadar's parser needs, checked hard, and the
 * OCSF event recovered from the `ocsf=` attribute.
 */
export interface ParsedLeef {
  vendor: string;
  product: string;
  version: string;
  eventId: string;
  delimiter: string;
  attributes: Record<string, string>;
  /** Attribute keys in wire order. */
  keys: string[];
  event: Record<string, unknown>;
}

export interface ParsedSyslog {
  pri: number;
  timestamp: string;
  hostname: string;
  appName: string;
  leef: ParsedLeef;
}

const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\]) (.*)$/s;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

export function parseSyslogLeef(line: string): ParsedSyslog {
  const m = RFC5424.exec(line);
  if (!m) throw new Error('not an RFC 5424 message');
  const pri = Number(m[1]);
  if (pri > 191) throw new Error(`PRI ${pri} out of range`);
  if (!TIMESTAMP.test(m[2])) throw new Error(`timestamp ${m[2]} is not yyyy-MM-ddTHH:mm:ss.SSSZ`);
  if (m[5] !== '-' || m[6] !== '-') throw new Error('PROCID / MSGID should be NILVALUE');
  return { pri, timestamp: m[2], hostname: m[3], appName: m[4], leef: parseLeef(m[8]) };
}

export function parseLeef(line: string): ParsedLeef {
  if (/[\r\n]/.test(line)) throw new Error('LEEF line contains a line break');
  if (!line.startsWith('LEEF:2.0|')) throw new Error('not a LEEF 2.0 line');
  // Header fields: `\` escapes the next character, an unescaped `|` ends the field.
  const fields: string[] = [];
  let current = '';
  let i = 'LEEF:2.0|'.length;
  for (; i < line.length && fields.length < 5; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) current += line[++i];
    else if (c === '|') {
      fields.push(current);
      current = '';
    } else current += c;
  }
  if (fields.length < 5) throw new Error('LEEF header needs vendor|product|version|eventId|delimiter|');
  const [vendor, product, version, eventId, delimiterSpec] = fields;
  if (!vendor || !product || !version || !eventId) throw new Error('empty LEEF header field');
  const delimiter = parseDelimiter(delimiterSpec);

  const attributes: Record<string, string> = {};
  const keys: string[] = [];
  for (const pair of line.slice(i).split(delimiter)) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    if (eq <= 0 || !KEY.test(key)) throw new Error(`malformed attribute "${pair.slice(0, 40)}"`);
    if (key in attributes) throw new Error(`duplicate attribute ${key}`);
    attributes[key] = pair.slice(eq + 1);
    keys.push(key);
  }
  if (!/^\d+$/.test(attributes.devTime ?? '')) throw new Error('devTime must be epoch milliseconds');
  const sev = Number(attributes.sev);
  if (!Number.isInteger(sev) || sev < 1 || sev > 10) throw new Error('sev must be 1..10');
  if (!attributes.cat) throw new Error('cat missing');
  if (keys[keys.length - 1] !== 'ocsf') throw new Error('ocsf must be the last attribute');
  const event = JSON.parse(attributes.ocsf) as unknown;
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new Error('ocsf is not a JSON object');
  return { vendor, product, version, eventId, delimiter, attributes, keys, event: event as Record<string, unknown> };
}

/** `^`, `0x5E` or `x5E` (1–4 hex digits) → the character. */
function parseDelimiter(spec: string): string {
  const hex = /^(?:0x|x)([0-9A-Fa-f]{1,4})$/.exec(spec);
  if (hex) return String.fromCharCode(parseInt(hex[1], 16));
  if (spec.length === 1) return spec;
  throw new Error(`invalid LEEF delimiter "${spec}"`);
}
