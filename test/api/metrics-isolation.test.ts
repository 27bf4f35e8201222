/**
 * /metrics keeps tenants apart and holds nothing a tenant wrote: its only label is the destination id (a uuid we
 * generate), so a config name, a header value, a secret or a SIEM's error text can neither appear in it nor inject
 * label content; one organisation's dead letters count under its own destination only; and the series are
 * bounded by the destinations that exist (event content adds none, a deleted destination's are dropped).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../connectors/shared/loopback-server.ts';
import { authEvents, eventually, FAST_DELIVERY } from '../pipeline/delivery/harness.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { storeBackends } from '../helpers/stores.ts';

/** Text crafted to break out of a label value and forge a series, if it ever reached the exposition. */
const INJECTION = 'evil"} siemstream_events_delivered_total{destination="forged"} 1e9\n# TYPE x counter\\';
/** The same on one line (a header value cannot hold a line break). */
const INJECTION_LINE = INJECTION.replace('\n', ' ');
const SECRETS = { a: 'org-a-secret-0123456789abcdef', b: 'org-b-secret-fedcba9876543210' };
const ORGS = { a: { orgId: 'org-a', orgSlug: 'org-a-slug' }, b: { orgId: 'org-b', orgSlug: 'org-b-slug' } };

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\["\\\\n])*"`;
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(${LABEL}(?:,${LABEL})*)\\})? (\\S+)$`);

/** The exposition's samples; every line must be a comment or a well-formed sample (nothing injected). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = SAMPLE_LINE.exec(line);
    expect(m, `not a sample line: ${JSON.stringify(line)}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.push({ name: m![1]!, labels, value: Number(m![3]) });
  }
  return samples;
}

describe.each(storeBackends)('/metrics tenant isolation on $name', (backend) => {
  let t: TestService;
  let receiver: LoopbackServer;
  const ids: Record<'a' | 'b', string> = { a: '', b: '' };
  const writers: Record<'a' | 'b', string> = { a: '', b: '' };

  beforeAll(async () => {
    // Org A's SIEM refuses everything, echoing the credential, the headers and the config's name back.
    receiver = await startLoopbackServer((req, res) => {
      if (req.url.startsWith('/a')) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`siem-says-no: ${req.headers.authorization} ${req.headers['x-label']} ${INJECTION}`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    t = await startTestService(backend, { settings: { flushIntervalMs: 50 }, service: { delivery: { options: FAST_DELIVERY, random: () => 0.5 } } });
    for (const key of ['a', 'b'] as const) {
      const admin = await t.token(ORGS[key]);
      const res = await t.service.app.inject({
        method: 'POST',
        url: '/v1/org/siem-configs',
        headers: { authorization: `Bearer ${admin}` },
        payload: {
          connector_type: 'http',
          name: `${INJECTION} ${key}`,
          config: { url: `http://127.0.0.1:${receiver.port}/${key}`, auth_header: `Authorization: Bearer ${SECRETS[key]}`, headers: { 'X-Label': INJECTION_LINE } },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      ids[key] = res.json().id;
      writers[key] = await t.token({ ...ORGS[key], scope: 'events:write' });
    }
  });
  afterAll(async () => {
    await t?.dispose();
    await receiver?.close();
  });

  const publish = async (key: 'a' | 'b', events: unknown[]) => {
    const res = await t.service.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${writers[key]}` }, payload: events });
    expect(res.statusCode, res.body).toBe(202);
  };
  const scrape = async () => {
    const res = await t.service.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    return { text: res.body, samples: parseExposition(res.body) };
  };
  const value = (samples: Sample[], name: string, destination: string) =>
    samples.filter((s) => s.name === name && s.labels.destination === destination).reduce((sum, s) => sum + s.value, 0);
  const ours = (samples: Sample[]) => samples.filter((s) => s.name.startsWith('siemstream_'));
  const deliveredToB = () => receiver.requests.filter((r) => r.url.startsWith('/b')).reduce((n, r) => n + r.body.toString().split('"class_uid"').length - 1, 0);

  it("counts each organisation's deliveries and dead letters under its own destination, with nothing it wrote in a label", async () => {
    await publish('a', authEvents(3));
    await publish('b', authEvents(4));
    await eventually(async () => value((await scrape()).samples, 'siemstream_events_dead_lettered_total', ids.a) === 3, "org A's 3 events dead-lettered");
    await eventually(async () => value((await scrape()).samples, 'siemstream_events_delivered_total', ids.b) === 4, "org B's 4 events delivered");
    expect(deliveredToB()).toBe(4);

    const { text, samples } = await scrape();
    // Org A's failures are not org B's, and the other way round.
    expect(value(samples, 'siemstream_events_dead_lettered_total', ids.b)).toBe(0);
    expect(value(samples, 'siemstream_events_retried_total', ids.b)).toBe(0);
    expect(value(samples, 'siemstream_events_delivered_total', ids.a)).toBe(0);
    expect(value(samples, 'siemstream_delivery_latency_seconds_count', ids.b)).toBe(4);
    expect(value(samples, 'siemstream_delivery_latency_seconds_count', ids.a)).toBe(0);

    // Our series are labelled by destination id (and histogram bucket) only: no organisation, name or error.
    for (const s of ours(samples)) {
      expect(Object.keys(s.labels).filter((k) => k !== 'destination' && k !== 'le'), s.name).toEqual([]);
      if ('destination' in s.labels) expect([ids.a, ids.b], s.name).toContain(s.labels.destination);
    }
    for (const leaked of [SECRETS.a, SECRETS.b, 'evil', 'forged', 'siem-says-no', ORGS.a.orgId, ORGS.b.orgId, ORGS.a.orgSlug, ORGS.b.orgSlug]) {
      expect(text.includes(leaked), `${leaked} in /metrics`).toBe(false);
    }
  });

  it('event content adds no series; a deleted destination drops its own and leaves the other organisation alone', async () => {
    const before = ours((await scrape()).samples).length;
    // Events with tenant-chosen free text everywhere a label could be taken from.
    const varied = authEvents(20).map((e, i) => ({ ...e, message: `${INJECTION} ${i}`, metadata: { ...e.metadata, product: { name: `p${i}"}`, vendor_name: INJECTION } } }));
    await publish('b', varied);
    await eventually(async () => value((await scrape()).samples, 'siemstream_events_delivered_total', ids.b) === 24, "org B's next 20 events delivered");
    expect(ours((await scrape()).samples).length).toBe(before);

    const admin = await t.token(ORGS.a);
    const res = await t.service.app.inject({ method: 'DELETE', url: `/v1/org/siem-configs/${ids.a}`, headers: { authorization: `Bearer ${admin}` } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    await eventually(async () => !(await scrape()).text.includes(ids.a), "org A's deleted destination gone from /metrics");
    const { samples } = await scrape();
    expect(value(samples, 'siemstream_events_delivered_total', ids.b)).toBe(24);
    expect(new Set(ours(samples).flatMap((s) => (s.labels.destination ? [s.labels.destination] : [])))).toEqual(new Set([ids.b]));
  });
});
