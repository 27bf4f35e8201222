/**
 * One builder per OCSF class family: reads the type-specific fields of a simple event and returns the class's
 * attributes. Only attributes the class's 1.8.0 schema has (no profiles: no `device`, `cloud`, `*_dt`; no
 * top-level `actor` in Detection Finding). The field-by-field table is in README.md.
 */
import { compact } from './compact.ts';
import { SimpleEventError, type OcsfUser, type SimpleEventReader } from './simple-event-reader.ts';
import { FINDING_STATUS_CAPTIONS, STATUS_CAPTIONS, type OcsfProduct } from './vocabulary.ts';

type Attrs = Record<string, unknown>;

export interface BuildContext {
  /** The simple event's type, for messages. */
  type: string;
  product: OcsfProduct;
  /** metadata.uid of the event being built. */
  uid: string;
  /** OCSF `time` of the event being built. */
  time: number;
}

export interface Built {
  activityId: number;
  /** Own label for activity 99 (Other). */
  activityName?: string;
  attrs: Attrs;
}

export type Builder = (r: SimpleEventReader, ctx: BuildContext) => Built;

// Builders assign into one attrs object: spreading a dynamically built object into a literal takes V8's slow
// generic path, several times slower on this per-event path.
const set = (attrs: Attrs, key: string, value: unknown) => {
  if (value !== undefined) attrs[key] = value;
};

function setStatus(attrs: Attrs, failure: boolean) {
  const statusId = failure ? 2 : 1;
  attrs.status_id = statusId;
  attrs.status = STATUS_CAPTIONS[statusId];
}

/**
 * actor, src_endpoint, http_request and status: context shared by the IAM classes (3001, 3002, 3005, 3006).
 * Returns the actor's user, the fallback target of self-service actions.
 */
function iamContext(r: SimpleEventReader, ctx: BuildContext, attrs: Attrs, alwaysFailure = false): OcsfUser | undefined {
  const failure = r.isFailure('outcome', alwaysFailure);
  if (alwaysFailure && !failure) throw new SimpleEventError('outcome', `${ctx.type} is always a failure`);
  const actorUser = r.person('actor');
  const ip = r.ip('ip');
  const userAgent = r.string('user_agent');
  if (actorUser) attrs.actor = { user: actorUser };
  if (ip) attrs.src_endpoint = { ip };
  if (userAgent) attrs.http_request = { user_agent: userAgent };
  setStatus(attrs, failure);
  set(attrs, 'status_detail', r.string('reason'));
  return actorUser;
}

/** The user acted upon; without `user` the actor acted on themselves (self-service). */
function targetUser(r: SimpleEventReader, ctx: BuildContext, actorUser: OcsfUser | undefined): OcsfUser {
  const user = r.person('user') ?? actorUser;
  if (!user) throw new SimpleEventError('user', `required for ${ctx.type} (or actor, for a self-service action)`);
  return user;
}

/** Authentication (3002). */
export const authentication =
  (activityId: number, opts: { alwaysFailure?: boolean; mfa?: boolean; activityName?: string } = {}): Builder =>
  (r, ctx) => {
    const attrs: Attrs = {};
    const actorUser = iamContext(r, ctx, attrs, opts.alwaysFailure);
    attrs.user = targetUser(r, ctx, actorUser);
    // at_least_one of service / dst_endpoint: the platform's own service unless the event names one.
    attrs.service = { name: r.string('service') ?? ctx.product.name };
    set(attrs, 'is_mfa', opts.mfa ? true : r.boolean('mfa'));
    set(attrs, 'auth_factors', r.authFactors('mfa_method'));
    const sessionId = r.string('session_id');
    if (sessionId) attrs.session = { uid: sessionId };
    return { activityId, activityName: opts.activityName, attrs };
  };

/** Account Change (3001). */
export const accountChange =
  (activityId: number, opts: { factors?: boolean } = {}): Builder =>
  (r, ctx) => {
    const attrs: Attrs = {};
    const actorUser = iamContext(r, ctx, attrs);
    attrs.user = targetUser(r, ctx, actorUser);
    if (opts.factors) set(attrs, 'auth_factors', r.authFactors('mfa_method'));
    return { activityId, attrs };
  };

/** User Access Management (3005): a role or permission(s) granted to / revoked from a user. */
export const userAccess =
  (activityId: number, grants: 'role' | 'permission'): Builder =>
  (r, ctx) => {
    const attrs: Attrs = {};
    const actorUser = iamContext(r, ctx, attrs);
    attrs.user = targetUser(r, ctx, actorUser);
    const privileges =
      grants === 'role'
        ? r.stringList('role')
        : [...(r.stringList('permission') ?? []), ...(r.stringList('permissions') ?? [])];
    if (!privileges?.length) {
      throw new SimpleEventError(grants, `required for ${ctx.type}${grants === 'permission' ? ' (or permissions)' : ''}`);
    }
    attrs.privileges = privileges;
    const resource = r.named('resource', ['type']);
    if (resource) attrs.resources = [resource];
    return { activityId, attrs };
  };

/** Group Management (3006). Membership changes need the member (`user`, or the actor joining/leaving). */
export const groupManagement =
  (activityId: number, opts: { member: boolean }): Builder =>
  (r, ctx) => {
    const attrs: Attrs = {};
    const actorUser = iamContext(r, ctx, attrs);
    const group = r.named('group');
    if (!group) throw new SimpleEventError('group', `required for ${ctx.type}`);
    attrs.group = group;
    if (opts.member) attrs.user = targetUser(r, ctx, actorUser);
    return { activityId, attrs };
  };

const HTTP_METHODS = new Set(['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT', 'PATCH']);
/** API Activity's CRUD activity by HTTP method; other methods are 99 (Other) labelled with the method. */
const ACTIVITY_BY_METHOD: Readonly<Record<string, number>> = { POST: 1, GET: 2, HEAD: 2, PUT: 3, PATCH: 3, DELETE: 4 };

/**
 * API Activity (6003): `api.request` (activity from the HTTP method), or an API key created/revoked (the key as
 * a resource, owned by `user`). OCSF requires actor, api.operation and src_endpoint, so actor (or user) and ip are
 * required here.
 */
export const apiActivity =
  (opts: { activityId?: number; operation?: string; apiKey?: boolean } = {}): Builder =>
  (r, ctx) => {
    const owner = opts.apiKey ? r.person('user') : undefined;
    const actorUser = r.person('actor') ?? owner ?? r.person('user');
    if (!actorUser) throw new SimpleEventError('actor', `required for ${ctx.type} (or user)`);
    const ip = r.ip('ip');
    if (!ip) throw new SimpleEventError('ip', `required for ${ctx.type} (OCSF API Activity requires src_endpoint)`);

    const method = r.string('method')?.toUpperCase();
    if (method !== undefined && !HTTP_METHODS.has(method)) throw new SimpleEventError('method', 'must be an HTTP method');
    const path = r.string('path');
    const statusCode = r.integer('status_code', 100, 599);
    const operation = r.string('operation') ?? opts.operation ?? (method && path ? `${method} ${path}` : undefined);
    if (!operation) throw new SimpleEventError('operation', `required for ${ctx.type} (or method and path)`);
    const apiKey = opts.apiKey ? r.named('api_key') : undefined;
    if (opts.apiKey && !apiKey) throw new SimpleEventError('api_key', `required for ${ctx.type} (the key's id or name)`);
    const service = r.string('service');
    const requestId = r.string('request_id');
    const userAgent = r.string('user_agent');

    const attrs: Attrs = { actor: { user: actorUser } };
    const api: Attrs = { operation };
    if (service) api.service = { name: service };
    if (requestId) api.request = { uid: requestId };
    attrs.api = api;
    attrs.src_endpoint = { ip };
    if (method || path || userAgent) {
      attrs.http_request = compact({ http_method: method, url: path ? { path } : undefined, user_agent: userAgent });
    }
    if (statusCode !== undefined) attrs.http_response = { code: statusCode };
    if (apiKey) attrs.resources = [compact({ uid: apiKey.uid, name: apiKey.name, type: 'api_key', owner })];
    setStatus(attrs, r.isFailure('outcome', statusCode !== undefined && statusCode >= 400));
    set(attrs, 'status_detail', r.string('reason'));
    const activityId = opts.activityId ?? (method ? ACTIVITY_BY_METHOD[method] : undefined) ?? 99;
    return { activityId, activityName: activityId === 99 ? (method ?? 'Other') : undefined, attrs };
  };

/** Detection Finding (2004). It has no top-level actor or src_endpoint: who and where go into one evidence. */
export const detectionFinding =
  (kind: 'threat' | 'anomaly'): Builder =>
  (r, ctx) => {
    const findingInfo: Attrs = {
      uid: r.string('finding_id') ?? ctx.uid,
      title: r.string('title') ?? (kind === 'threat' ? 'Threat detected' : 'Anomaly detected'),
    };
    set(findingInfo, 'desc', r.string('description'));
    findingInfo.types = [kind];
    findingInfo.created_time = ctx.time;
    const ruleName = r.string('rule');
    if (ruleName) {
      findingInfo.analytic =
        kind === 'threat' ? { name: ruleName, type_id: 1, type: 'Rule' } : { name: ruleName, type_id: 2, type: 'Behavioral' };
    }
    const attrs: Attrs = { finding_info: findingInfo };

    const actorUser = r.person('actor');
    const user = r.person('user');
    const ip = r.ip('ip');
    // An evidence needs one of actor/user/src_endpoint (among others); a user agent alone stays in `unmapped`.
    if (actorUser || user || ip) {
      const evidence: Attrs = {};
      if (actorUser) evidence.actor = { user: actorUser };
      set(evidence, 'user', user);
      if (ip) evidence.src_endpoint = { ip };
      if (r.has('user_agent')) evidence.http_request = { user_agent: r.string('user_agent') };
      attrs.evidences = [evidence];
    }
    attrs.is_alert = kind === 'threat';
    set(attrs, 'risk_score', r.integer('risk_score', 0));
    set(attrs, 'confidence_score', r.integer('confidence', 0, 100));
    attrs.status_id = 1;
    attrs.status = FINDING_STATUS_CAPTIONS[1];
    return { activityId: 1, attrs };
  };
