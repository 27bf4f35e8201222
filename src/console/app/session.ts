/**
 * The signed-in token: pasted on the sign-in page or handed over in the URL fragment (`#token=…`, which browsers
 * never send to a server); kept in sessionStorage only (this tab, gone when it closes), never in a query string or
 * a log. Its claims are read (not verified: the API does that) to show who is signed in and when it expires.
 */
const KEY = 'siemstream.console.token';

export interface Claims {
  sub?: string;
  org_id?: string;
  org_slug?: string;
  role?: string;
  platform_admin?: boolean;
  exp?: number;
}

export interface Session {
  token: string;
  claims: Claims;
}

export function decodeClaims(token: string): Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      Array.from(atob(b64.padEnd(b64.length + ((4 - (b64.length % 4)) % 4), '=')), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
    );
    const claims = JSON.parse(json) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as Claims) : undefined;
  } catch {
    return undefined;
  }
}

/** A token from the fragment (`#token=…`) is taken once and removed from the address bar and history. */
export function takeTokenFromFragment(): string | undefined {
  const m = /^#token=([^&]+)/.exec(location.hash);
  if (!m) return undefined;
  history.replaceState(null, '', `${location.pathname}#/`);
  return decodeURIComponent(m[1]);
}

export function loadSession(): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  if (!token) return undefined;
  const claims = decodeClaims(token);
  return claims ? { token, claims } : undefined;
}

export function saveSession(token: string): Session | string {
  const t = token.trim().replace(/^Bearer\s+/i, '');
  const claims = decodeClaims(t);
  if (!claims) return 'This is not a JWT (three base64url parts separated by dots).';
  if (claims.exp !== undefined && claims.exp * 1000 <= Date.now()) return 'This token has expired: mint or fetch a new one.';
  sessionStorage.setItem(KEY, t);
  return { token: t, claims };
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

export const isOrgAdmin = (c: Claims) => !!c.org_id && (c.role === 'owner' || c.role === 'admin');
