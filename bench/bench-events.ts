/**
 * Realistic ~1 KiB OCSF 1.8.0 events for the benchmark: a mix of Authentication (3002) logons/logoffs and API
 * Activity (6003), with the attributes an identity platform really sends (user, endpoints, user agent, session).
 *
 * Generating a million events must not cost the service its CPU (the machine has two cores), so each variant is
 * serialised once with placeholders and split around them; an event is then a handful of string concatenations.
 *
 * Identity: `metadata.uid` is `bench-<tag>-<seq>`. The receivers find events by the marker `"uid":"bench-<tag>-`
 * (only metadata.uid carries it) and index arrays by `seq`, so no per-event map is needed on either side.
 */

const UID = '@@UID@@';
const TIME = '@@TIME@@';

export interface EventFactory {
  /** Marker the receiver scans for; the decimal seq follows it, then `"`. */
  readonly marker: string;
  /** The event with sequence number `seq` as compact JSON, `time` = `nowMs`. */
  event(seq: number, nowMs: number): string;
  /** Average serialised size in bytes (for reporting). */
  readonly averageBytes: number;
}

export function createEventFactory(tag: string, orgId: string): EventFactory {
  const uidPrefix = `bench-${tag}-`;
  const variants = buildVariants(orgId).map((v) => splitTemplate(JSON.stringify(v)));
  const sample = variants.map((parts, i) => render(parts, `${uidPrefix}${1_000_000 + i}`, 1_718_020_800_000));
  return {
    marker: `"uid":"${uidPrefix}`,
    averageBytes: Math.round(sample.reduce((n, s) => n + Buffer.byteLength(s), 0) / sample.length),
    event(seq, nowMs) {
      return render(variants[seq % variants.length]!, uidPrefix + seq, nowMs);
    },
  };
}

type Parts = readonly string[];

/** Splits at the placeholders, keeping which placeholder each gap is (UID or TIME) in odd slots. */
function splitTemplate(json: string): Parts {
  return json.split(/"@@(UID|TIME)@@"/);
}

function render(parts: Parts, uid: string, time: number): string {
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    out += (parts[i] === 'UID' ? `"${uid}"` : String(time)) + parts[i + 1]!;
  }
  return out;
}

const FIRST = ['alice', 'bob', 'carol', 'dmitri', 'eun-ji', 'farid', 'grace', 'hiroshi', 'ines', 'jamal', 'kofi', 'lena'];
const CITIES = [
  { city: 'Berlin', country: 'DE', lat: 52.52, long: 13.405 },
  { city: 'São Paulo', country: 'BR', lat: -23.55, long: -46.633 },
  { city: 'Seattle', country: 'US', lat: 47.606, long: -122.332 },
  { city: 'Singapore', country: 'SG', lat: 1.352, long: 103.82 },
];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'okta-sdk-python/2.9.8 python/3.12.4 Linux/6.8.0',
];
const API_OPS = [
  { activity: 1, name: 'Create', op: 'users.create', path: '/api/v2/users', method: 'POST' },
  { activity: 2, name: 'Read', op: 'groups.list', path: '/api/v2/groups', method: 'GET' },
  { activity: 3, name: 'Update', op: 'roles.assign', path: '/api/v2/users/roles', method: 'PATCH' },
  { activity: 4, name: 'Delete', op: 'sessions.revoke', path: '/api/v2/sessions', method: 'DELETE' },
];

/** 48 variants: enough spread for realistic compression ratios and SIEM-side parsing, cheap to cycle through. */
function buildVariants(orgId: string): object[] {
  const out: object[] = [];
  for (let i = 0; i < 48; i++) {
    const who = FIRST[i % FIRST.length]!;
    const user = {
      uid: `u_${(7_919 * (i + 1)).toString(36).padStart(8, '0')}`,
      name: `${who}.${i}`,
      email_addr: `${who}.${i}@example.com`,
      type_id: 1,
    };
    const where = CITIES[i % CITIES.length]!;
    const src = {
      ip: `203.0.113.${(i * 37) % 254 + 1}`,
      port: 40_000 + i * 113,
      location: { city: where.city, country: where.country },
    };
    const agent = AGENTS[i % AGENTS.length]!;
    out.push(i % 4 === 3 ? apiActivity(i, orgId, user, src, agent) : authentication(i, orgId, user, src, agent));
  }
  return out;
}

function metadata(orgId: string, i: number, product: string) {
  return {
    uid: UID,
    version: '1.8.0',
    product: { name: product, vendor_name: 'Acme Identity', version: '4.12.3' },
    logged_time: TIME,
    tenant_uid: orgId,
    correlation_uid: `req_${(104_729 * (i + 3)).toString(16)}`,
  };
}

function authentication(i: number, orgId: string, user: object, src: object, agent: string): object {
  const success = i % 5 !== 1;
  const logoff = i % 6 === 5;
  return {
    class_uid: 3002,
    class_name: 'Authentication',
    category_uid: 3,
    category_name: 'Identity & Access Management',
    activity_id: logoff ? 2 : 1,
    activity_name: logoff ? 'Logoff' : 'Logon',
    type_uid: logoff ? 300202 : 300201,
    type_name: logoff ? 'Authentication: Logoff' : 'Authentication: Logon',
    severity_id: success ? 1 : 3,
    severity: success ? 'Informational' : 'Medium',
    status_id: success ? 1 : 2,
    status: success ? 'Success' : 'Failure',
    ...(success ? {} : { status_detail: 'Invalid credentials (password mismatch)' }),
    time: TIME,
    message: success ? 'User signed in with password and TOTP' : 'Sign-in failed: invalid credentials',
    metadata: metadata(orgId, i, 'AuthOS'),
    user,
    is_mfa: success,
    auth_protocol_id: 99,
    auth_protocol: 'OIDC',
    service: { name: 'sso', uid: 'svc-sso-eu1' },
    src_endpoint: src,
    dst_endpoint: { hostname: 'login.example.com', port: 443 },
    http_request: { http_method: 'POST', user_agent: agent, url: { path: '/oauth2/v1/token' } },
    session: { uid: `sess_${(31_337 * (i + 11)).toString(36)}` },
  };
}

function apiActivity(i: number, orgId: string, user: object, src: object, agent: string): object {
  const op = API_OPS[i % API_OPS.length]!;
  return {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: op.activity,
    activity_name: op.name,
    type_uid: 600300 + op.activity,
    type_name: `API Activity: ${op.name}`,
    severity_id: op.activity === 4 ? 2 : 1,
    severity: op.activity === 4 ? 'Low' : 'Informational',
    status_id: 1,
    status: 'Success',
    time: TIME,
    message: `Admin API call ${op.op}`,
    metadata: metadata(orgId, i, 'AuthOS Admin API'),
    actor: { user, app_name: 'admin-console' },
    api: { operation: op.op, service: { name: 'admin-api' } },
    src_endpoint: src,
    http_request: { http_method: op.method, user_agent: agent, url: { path: op.path } },
    resources: [{ type: 'user', uid: `u_${(i * 977).toString(36)}` }],
  };
}
