/** The sign-in page: paste a token; why the last session ended, when it did. */
import { useState } from 'preact/hooks';
import { html } from './html.ts';
import { saveSession, type Session } from './session.ts';

export function SignIn({ reason, onSignedIn }: { reason?: string; onSignedIn: (s: Session) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = (e: Event) => {
    e.preventDefault();
    const r = saveSession(value);
    if (typeof r === 'string') setError(r);
    else onSignedIn(r);
  };
  return html`<main class="sign-in" id="main">
    <h1>siemstream console</h1>
    ${reason ? html`<p class="note note-error" role="alert" data-testid="sign-in-reason">${reason}</p>` : null}
    <form onSubmit=${submit} novalidate>
      <label for="token">Access token</label>
      <p class="help" id="token-help">
        Paste a bearer token (JWT) of an organisation owner or admin, or of a platform admin. It is kept in this tab only
        (sessionStorage) and sent to this service alone. Developers mint one with
        <code>npx siemstream token --org-id … --org-slug … --role admin</code>.
      </p>
      <textarea id="token" name="token" rows="4" autocomplete="off" spellcheck="false" aria-describedby="token-help token-error"
        value=${value} onInput=${(e: Event) => setValue((e.target as HTMLTextAreaElement).value)}></textarea>
      ${error ? html`<p class="field-error" id="token-error" role="alert">${error}</p>` : null}
      <div class="actions"><button type="submit" class="primary">Sign in</button></div>
    </form>
  </main>`;
}
