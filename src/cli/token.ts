import type { ServiceSettings } from '../config/env.ts';
import { ensureDevSecrets } from '../security/dev-keys.ts';
import { EVENTS_WRITE_ANY_ORG_SCOPE, ROLES, mintToken } from '../security/jwt.ts';
import { parseFlags } from './args.ts';

/** One hour: within the default SIEM_JWT_MAX_LIFETIME_SECONDS (a day). */
const DEFAULT_EXPIRES_IN_SEC = 3600;

export async function tokenCommand(settings: ServiceSettings, args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    'org-id': { type: 'string' },
    'org-slug': { type: 'string' },
    role: { type: 'string' },
    'platform-admin': { type: 'boolean' },
    scope: { type: 'string' },
    sub: { type: 'string' },
    'expires-in': { type: 'string' },
  });
  if (settings.jwksUrl) {
    console.error('siemstream: SIEM_JWKS_URL is set: tokens come from your identity provider, not from this command');
    return 2;
  }
  if (values.role && !(ROLES as readonly string[]).includes(values.role)) {
    console.error(`siemstream: --role must be one of ${ROLES.join(', ')}`);
    return 2;
  }
  // A token without an organisation is a platform token: it needs the claim that says so.
  const anyOrg = values['platform-admin'] || (values.scope ?? '').split(' ').includes(EVENTS_WRITE_ANY_ORG_SCOPE);
  if (!anyOrg && (!values['org-id'] || !values['org-slug'])) {
    console.error(`siemstream: --org-id and --org-slug are required (or --platform-admin, or --scope "${EVENTS_WRITE_ANY_ORG_SCOPE}")`);
    return 2;
  }
  const expiresInSec = values['expires-in'] === undefined ? undefined : Number(values['expires-in']);
  if (expiresInSec !== undefined && !(Number.isInteger(expiresInSec) && expiresInSec > 0)) {
    console.error('siemstream: --expires-in must be a positive whole number of seconds');
    return 2;
  }
  const max = settings.jwtMaxLifetimeSec;
  if (max > 0 && (expiresInSec ?? DEFAULT_EXPIRES_IN_SEC) > max) {
    console.error(`siemstream: --expires-in is longer than SIEM_JWT_MAX_LIFETIME_SECONDS (${max}): the service would refuse the token`);
    return 2;
  }
  const secret = settings.jwtSecret ?? ensureDevSecrets(settings.dataDir).jwtSecret;
  const token = await mintToken({
    secret,
    sub: values.sub,
    orgId: values['org-id'],
    orgSlug: values['org-slug'],
    role: values.role,
    platformAdmin: values['platform-admin'] ?? false,
    scope: values.scope,
    expiresInSec: expiresInSec ?? DEFAULT_EXPIRES_IN_SEC,
    issuer: settings.jwtIssuer,
    audience: settings.jwtAudience,
  });
  console.log(token);
  return 0;
}
