/**
 * The console app: session, hash routes, layout. Routes: #/ (streams, or the operator page for a platform token
 * without an organisation), #/streams/new, #/streams/<id>, #/streams/<id>/edit, #/operator.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { configureApi } from './api.ts';
import { html } from './html.ts';
import { OperatorPage } from './operator-page.ts';
import { REFRESH_CHOICES, setRefreshMs, useRefreshMs } from './refresh.ts';
import { clearSession, isOrgAdmin, loadSession, saveSession, takeTokenFromFragment, type Session } from './session.ts';
import { SignIn } from './sign-in.ts';
import { StreamForm } from './stream-form.ts';
import { StreamPage } from './stream-page.ts';
import { StreamsList } from './streams-list.ts';

function useHashRoute(): string {
  const [route, setRoute] = useState(location.hash.replace(/^#/, '') || '/');
  useEffect(() => {
    const on = () => {
      setRoute(location.hash.replace(/^#/, '') || '/');
      // Keyboard and screen-reader users land on the new page's content.
      requestAnimationFrame(() => document.getElementById('main')?.focus());
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function App() {
  const [session, setSession] = useState<Session | undefined>(() => {
    const fromFragment = takeTokenFromFragment();
    if (fromFragment) {
      const s = saveSession(fromFragment);
      if (typeof s !== 'string') return s;
    }
    return loadSession();
  });
  const [reason, setReason] = useState<string | undefined>(undefined);
  const route = useHashRoute();
  const refreshMs = useRefreshMs();
  useEffect(() => {
    if (!session) document.title = 'Sign in · siemstream console';
    else if (route === '/' || route === '/operator') document.title = `${route === '/operator' || !isOrgAdmin(session.claims) ? 'Operator' : 'Streams'} · siemstream console`;
  }, [route, session]);

  const signOut = (why?: string) => {
    clearSession();
    configureApi(undefined, () => {});
    setReason(why);
    setSession(undefined);
  };
  configureApi(session?.token, (message) => signOut(`Signed out: the service refused the token (401: ${message}). Sign in again.`));

  // The session ends when the token expires, with a message saying so.
  useEffect(() => {
    const exp = session?.claims.exp;
    if (!exp) return;
    const left = exp * 1000 - Date.now();
    if (left <= 0) {
      signOut('Your token has expired. Sign in with a new one.');
      return;
    }
    const t = setTimeout(() => signOut('Your token has expired. Sign in with a new one.'), Math.min(left, 2_147_000_000));
    return () => clearTimeout(t);
  }, [session?.token]);

  if (!session) return html`<${SignIn} reason=${reason} onSignedIn=${(s: Session) => { setReason(undefined); setSession(s); location.hash = '#/'; }} />`;

  const c = session.claims;
  const orgAdmin = isOrgAdmin(c);
  const operator = c.platform_admin === true;
  let page;
  const m = /^\/streams\/([^/]+)(\/edit)?$/.exec(route);
  if (route === '/operator' || (route === '/' && !orgAdmin && operator)) page = html`<${OperatorPage} />`;
  else if (!orgAdmin)
    page = html`<p class="note note-error" role="alert">This token cannot manage streams: it needs an organisation and the owner or admin role (it has ${c.role ?? 'no role'}${c.org_slug ? ` in ${c.org_slug}` : ''}).</p>`;
  else if (route === '/streams/new') page = html`<${StreamForm} />`;
  else if (m && m[2]) page = html`<${StreamForm} id=${decodeURIComponent(m[1])} />`;
  else if (m) page = html`<${StreamPage} id=${decodeURIComponent(m[1])} />`;
  else page = html`<${StreamsList} />`;

  return html`<div class="layout">
    <a class="skip" href="#main" onClick=${(e: Event) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/">siemstream</a>
      <nav aria-label="Main">
        ${orgAdmin ? html`<a href="#/" aria-current=${route === '/' || route.startsWith('/streams') ? 'page' : undefined}>Streams</a>` : null}
        ${operator ? html`<a href="#/operator" aria-current=${route === '/operator' ? 'page' : undefined}>Operator</a>` : null}
      </nav>
      <span class="who" data-testid="who">${c.sub ?? 'unknown user'}${c.org_slug ? ` · ${c.org_slug}` : ''}${c.role ? ` · ${c.role}` : ''}${operator ? ' · platform admin' : ''}</span>
      <div class="field-inline refresh">
        <label for="refresh">Refresh</label>
        <select id="refresh" value=${String(refreshMs)} onChange=${(e: Event) => setRefreshMs(Number((e.target as HTMLSelectElement).value))}>
          ${REFRESH_CHOICES.map(([v, t]) => html`<option value=${String(v)}>${t}</option>`)}
        </select>
      </div>
      <button type="button" data-testid="sign-out" onClick=${() => signOut('You signed out.')}>Sign out</button>
    </header>
    <main id="main" tabindex="-1">${page}</main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app')!);
