import type { ServiceSettings } from '../config/env.ts';
import { ensureDevSecrets } from '../security/dev-keys.ts';
import { ROLES, mintToken } from '../security/jwt.ts';
import { parseFlags } from './args.ts';

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
  if (!values['platform-admin'] && (!values['org-id'] || !values['org-slug'])) {
    console.error('siemstream: --org-id and --org-slug are required (or --platform-admin)');
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
    expiresInSec: values['expires-in'] ? Number(values['expires-in']) : undefined,
    issuer: settings.jwtIssuer,
    audience: settings.jwtAudience,
  });
  console.log(token);
  return 0;
}
