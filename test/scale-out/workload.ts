/**
 * The scale-out tests' workload: numbered events whose organisation, class and severity follow from their index,
 * destinations with varied filters, and which events each destination selects (so a test knows exactly what every
 * receiver must get). Events are small valid OCSF 1.8.0 (Authentication 3002, API Activity 6003); their
 * metadata.uid is `<prefix><index>`, the marker uid-receiver.ts counts.
 */
export const ORGS = [
  { id: 'org-scale-a', slug: 'scale-a' },
  { id: 'org-scale-b', slug: 'scale-b' },
] as const;

/** Events per publish request; a request's events all belong to one organisation. */
export const PER_REQUEST = 1000;

export interface EventTraits {
  org: number;
  classUid: 3002 | 6003;
  severityId: number;
}

/** Independent patterns: organisation by request, class by index mod 3, severity 1–5 by index / 6. */
export function traits(index: number): EventTraits {
  return {
    org: Math.floor(index / PER_REQUEST) % ORGS.length,
    classUid: index % 3 === 0 ? 6003 : 3002,
    severityId: 1 + (Math.floor(index / 6) % 5),
  };
}

export function workloadEvent(index: number, uidPrefix: string): Record<string, unknown> {
  const t = traits(index);
  const base = {
    severity_id: t.severityId,
    time: 1_718_020_800_000 + index,
    metadata: { uid: `${uidPrefix}${index}`, version: '1.8.0', product: { name: 'AuthOS', vendor_name: 'Acme' } },
  };
  if (t.classUid === 3002) {
    return { ...base, class_uid: 3002, category_uid: 3, activity_id: 1, type_uid: 300201, user: { name: `u${index % 97}` }, service: { name: 'sso' } };
  }
  return {
    ...base,
    class_uid: 6003,
    category_uid: 6,
    activity_id: 2,
    type_uid: 600302,
    actor: { user: { name: `u${index % 97}` } },
    api: { operation: 'users.list' },
    src_endpoint: { ip: '203.0.113.7' },
  };
}

export interface DestinationPlan {
  org: number;
  classUids: number[] | null;
  minSeverity: number | null;
}

const FILTER_VARIANTS: Omit<DestinationPlan, 'org'>[] = [
  { classUids: null, minSeverity: null },
  { classUids: [3002], minSeverity: null },
  { classUids: [6003], minSeverity: null },
  { classUids: null, minSeverity: 3 },
  { classUids: [3002], minSeverity: 4 },
  { classUids: [6003], minSeverity: 2 },
  { classUids: null, minSeverity: 5 },
  { classUids: [3002, 6003], minSeverity: null },
  { classUids: [3002], minSeverity: 2 },
  { classUids: null, minSeverity: 4 },
];

/** Destination d: organisation d mod 2, filter variant d / 2 (cycling). */
export function destinationPlans(n: number): DestinationPlan[] {
  return Array.from({ length: n }, (_, d) => ({ org: d % ORGS.length, ...FILTER_VARIANTS[Math.floor(d / ORGS.length) % FILTER_VARIANTS.length] }));
}

export function selects(plan: DestinationPlan, t: EventTraits): boolean {
  return (
    plan.org === t.org &&
    (plan.classUids === null || plan.classUids.includes(t.classUid)) &&
    (plan.minSeverity === null || t.severityId >= plan.minSeverity)
  );
}

/** The body of POST /v1/org/siem-configs for a plan, delivering to `url` with the generic HTTP connector. */
export function configBody(name: string, plan: DestinationPlan, url: string, batchSize: number): Record<string, unknown> {
  return {
    name,
    connector_type: 'http',
    config: { url },
    batch_size: batchSize,
    filters: { class_uids: plan.classUids, min_severity_id: plan.minSeverity },
  };
}
