/**
 * Bearer-token authentication and the role rules of SPEC §2, as preHandler hooks:
 * - orgAdmin: owner/admin of an organisation (config APIs);
 * - platformAdmin: `platform_admin: true` (/api/admin/siem/*);
 * - eventsWriter: scope `events:write` (publishing into the token's organisation), and without an organisation
 *   an explicit platform claim (security/jwt.ts publishesForAnyOrg).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { conflict, forbidden } from '../../errors.ts';
import { EVENTS_WRITE_ANY_ORG_SCOPE, parseBearer, publishesEvents, publishesForAnyOrg, type Identity, type TokenVerifier } from '../../security/jwt.ts';

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity;
  }
}

export interface OrgIdentity extends Identity {
  orgId: string;
  orgSlug: string;
}

export interface AuthHooksOptions {
  verifier: TokenVerifier;
  /**
   * Records id ↔ slug when an organisation is seen (store/repos/organizations.ts); 'slug-taken' when the slug is
   * recorded for another organisation. Remembered per process for ORG_RECHECK_MS, so it is not a write per request.
   */
  rememberOrg?: (orgId: string, orgSlug: string) => Promise<'recorded' | 'slug-taken'>;
  now?: () => number;
}

/**
 * How long a recorded id ↔ slug is trusted without asking the store again: a slug another instance gave to
 * another organisation meanwhile (after a rename) is noticed within this time.
 */
const ORG_RECHECK_MS = 60_000;

export function createAuthHooks(opts: AuthHooksOptions) {
  const now = opts.now ?? Date.now;
  const knownOrgs = new Map<string, { slug: string; until: number }>();

  async function authenticate(request: FastifyRequest): Promise<Identity> {
    if (request.identity) return request.identity;
    const token = parseBearer(request.headers.authorization);
    const identity = await opts.verifier.verify(token);
    if (identity.orgId && identity.orgSlug && opts.rememberOrg) await rememberOrg(identity.orgId, identity.orgSlug);
    request.identity = identity;
    return identity;
  }

  /** A slug names one organisation: a token claiming one recorded for another is refused, never shared. */
  async function rememberOrg(orgId: string, orgSlug: string): Promise<void> {
    const known = knownOrgs.get(orgId);
    if (known && known.slug === orgSlug && known.until > now()) return;
    if ((await opts.rememberOrg!(orgId, orgSlug)) === 'slug-taken') {
      knownOrgs.delete(orgId);
      throw conflict('The token\'s org_slug is recorded for another organisation; a slug names one organisation (org_id)');
    }
    knownOrgs.set(orgId, { slug: orgSlug, until: now() + ORG_RECHECK_MS });
  }

  return {
    authenticate,
    orgAdmin: async (request: FastifyRequest, _reply: FastifyReply) => {
      const id = await authenticate(request);
      if (!id.orgId) throw forbidden('Token is not scoped to an organisation');
      if (id.role !== 'owner' && id.role !== 'admin') throw forbidden('Owner or admin role required');
    },
    platformAdmin: async (request: FastifyRequest, _reply: FastifyReply) => {
      const id = await authenticate(request);
      if (!id.platformAdmin) throw forbidden('Platform admin required');
    },
    eventsWriter: async (request: FastifyRequest, _reply: FastifyReply) => {
      const id = await authenticate(request);
      if (!publishesEvents(id)) throw forbidden('Scope events:write required');
      if (!id.orgId && !publishesForAnyOrg(id)) {
        throw forbidden(
          `Token has no org_id: publishing for any organisation needs platform_admin: true or scope ${EVENTS_WRITE_ANY_ORG_SCOPE}`,
        );
      }
    },
  };
}
export type AuthHooks = ReturnType<typeof createAuthHooks>;

/** The identity of an org-scoped request (after the orgAdmin hook ran). */
export function orgIdentity(request: FastifyRequest): OrgIdentity {
  const id = request.identity!;
  return { ...id, orgId: id.orgId!, orgSlug: id.orgSlug ?? '' };
}
