/**
 * Bearer-token authentication and the role rules of SPEC §2, as preHandler hooks:
 * - orgAdmin: owner/admin of an organisation (config APIs);
 * - platformAdmin: `platform_admin: true` (/api/admin/siem/*);
 * - eventsWriter: scope `events:write` (publishing).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden } from '../../errors.ts';
import { parseBearer, type Identity, type TokenVerifier } from '../../security/jwt.ts';

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
  /** Called once per organisation seen (records id ↔ slug); cached so it is not a write per request. */
  rememberOrg?: (orgId: string, orgSlug: string) => Promise<void>;
}

export function createAuthHooks(opts: AuthHooksOptions) {
  const knownOrgs = new Map<string, string>();

  async function authenticate(request: FastifyRequest): Promise<Identity> {
    if (request.identity) return request.identity;
    const token = parseBearer(request.headers.authorization);
    const identity = await opts.verifier.verify(token);
    request.identity = identity;
    if (identity.orgId && identity.orgSlug && knownOrgs.get(identity.orgId) !== identity.orgSlug && opts.rememberOrg) {
      await opts.rememberOrg(identity.orgId, identity.orgSlug);
      knownOrgs.set(identity.orgId, identity.orgSlug);
    }
    return identity;
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
      if (!id.scopes.has('events:write')) throw forbidden('Scope events:write required');
    },
  };
}
export type AuthHooks = ReturnType<typeof createAuthHooks>;

/** The identity of an org-scoped request (after the orgAdmin hook ran). */
export function orgIdentity(request: FastifyRequest): OrgIdentity {
  const id = request.identity!;
  return { ...id, orgId: id.orgId!, orgSlug: id.orgSlug ?? '' };
}
