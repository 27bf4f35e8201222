/**
 * The operator's page (platform admins): the connector registry with health counts and failure details, and
 * every organisation's streams by state — which tenants are failing right now.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from './api.ts';
import { ErrorNote, Loading, StatusBadge, Time, usePolling } from './common.ts';
import { count } from './format.ts';
import { html } from './html.ts';

const STATES: [string, string][] = [
  ['failing', 'Failing (degraded, error, not configured)'],
  ['all', 'All states'],
  ['error', 'Error'],
  ['degraded', 'Degraded'],
  ['not_configured', 'Not configured'],
  ['healthy', 'Healthy'],
  ['paused', 'Paused'],
];

export function OperatorPage() {
  const health = usePolling(() => api('GET', '/api/admin/siem/health'));
  const connectors = usePolling(() => api('GET', '/api/admin/siem/connectors'));
  const [state, setState] = useState('failing');
  const [org, setOrg] = useState('');
  /** What is typed; applied on Enter or leaving the field (a refresh meanwhile keeps the text). */
  const [orgDraft, setOrgDraft] = useState('');
  const orgQuery = org.trim() ? `&org_id=${encodeURIComponent(org.trim())}` : '';
  const streams = usePolling(() => api('GET', `/api/admin/siem/streams?state=${encodeURIComponent(state)}${orgQuery}`), [state, orgQuery]);
  useEffect(() => {
    document.title = 'Operator · siemstream console';
  }, []);
  const [tests, setTests] = useState<Record<string, string>>({});
  const h = health.data;
  const test = async (connectorId: string) => {
    setTests((t) => ({ ...t, [connectorId]: 'Testing…' }));
    try {
      const r = await api('POST', `/api/admin/siem/test/${encodeURIComponent(connectorId)}`);
      setTests((t) => ({ ...t, [connectorId]: r.success ? 'Test event delivered.' : `Failed: ${r.error ?? 'unknown error'}` }));
      connectors.reload();
      health.reload();
    } catch (err) {
      setTests((t) => ({ ...t, [connectorId]: describeError(err) }));
    }
  };
  const c = streams.data?.counts;
  return html`<section aria-labelledby="op-title">
    <h1 id="op-title">Operator</h1>
    <section class="card" aria-labelledby="registry-title">
      <h2 id="registry-title">Connector registry</h2>
      <${ErrorNote} error=${health.error ?? connectors.error} />
      ${h ? html`<dl class="summary" data-testid="registry-summary">
          <div class="s-healthy"><dt>Healthy</dt><dd data-testid="count-healthy">${count(h.healthy)}</dd></div>
          <div class="s-degraded"><dt>Degraded</dt><dd data-testid="count-degraded">${count(h.degraded)}</dd></div>
          <div class="s-error"><dt>Error</dt><dd data-testid="count-error">${count(h.error)}</dd></div>
          <div class="s-not_configured"><dt>Not configured</dt><dd data-testid="count-not-configured">${count(h.not_configured)}</dd></div>
          <div><dt>Total</dt><dd data-testid="count-total">${count(h.total)}</dd></div>
        </dl>` : html`<${Loading} />`}
      ${connectors.data ? connectors.data.connectors.length === 0
          ? html`<p class="muted">No global connectors are registered (SIEM_CONNECTORS_FILE).</p>`
          : html`<div class="table-wrap"><table class="cards" data-testid="connectors">
            <thead><tr><th scope="col">Connector</th><th scope="col">Type</th><th scope="col">Health</th><th scope="col">Failure details</th>
              <th scope="col">Last delivery</th><th scope="col">Settings</th><th scope="col"><span class="sr-only">Test</span></th></tr></thead>
            <tbody>${connectors.data.connectors.map(
              (k: any) => html`<tr key=${k.connector_id} data-connector=${k.connector_id} data-status=${k.status}>
                <th scope="row">${k.display_name}<div class="muted"><code>${k.connector_id}</code></div></th>
                <td data-label="Type">${k.connector_type}</td>
                <td data-label="Health"><${StatusBadge} status=${k.status} /></td>
                <td class="reason" data-label="Failure details">${k.last_error ?? k.failure?.message ?? '—'}${typeof k.failure_count === 'number' && k.failure_count > 0 ? html`<div class="muted">${count(k.failure_count)} failures in a row</div>` : null}</td>
                <td data-label="Last delivery"><${Time} iso=${k.last_successful_batch_at ?? null} /></td>
                <td data-label="Settings"><code class="wrap">${Object.entries(k.config_summary ?? {}).map(([a, b]) => `${a}=${typeof b === 'string' ? b : JSON.stringify(b)}`).join(' ')}</code></td>
                <td><button type="button" aria-label=${`Test ${k.display_name}`} onClick=${() => test(k.connector_id)}>Test</button>${tests[k.connector_id] ? html`<div role="status">${tests[k.connector_id]}</div>` : null}</td>
              </tr>`,
            )}</tbody>
          </table></div>` : null}
    </section>

    <section class="card" aria-labelledby="tenants-title">
      <div class="section-head">
        <h2 id="tenants-title">Organisations' streams</h2>
        <div class="filters" role="group" aria-label="Filter streams">
          <div class="field-inline">
            <label for="state-filter">State</label>
            <select id="state-filter" value=${state} onChange=${(e: Event) => setState((e.target as HTMLSelectElement).value)}>
              ${STATES.map(([v, t]) => html`<option value=${v}>${t}</option>`)}
            </select>
          </div>
          <div class="field-inline">
            <label for="org-filter">Organisation id</label>
            <input id="org-filter" type="text" spellcheck="false" placeholder="every organisation" value=${orgDraft}
              onInput=${(e: Event) => setOrgDraft((e.target as HTMLInputElement).value)} onChange=${(e: Event) => setOrg((e.target as HTMLInputElement).value)} />
          </div>
        </div>
      </div>
      <${ErrorNote} error=${streams.error} />
      ${c ? html`<p data-testid="tenant-summary">
          ${`Organisations failing now: ${count(c.failing_orgs)}. Streams: ${count(c.error)} error · ${count(c.degraded)} degraded · ${count(c.not_configured)} not configured · ${count(c.healthy)} healthy · ${count(c.paused)} paused (${count(c.total)} in all).`}
        </p>` : null}
      ${streams.data ? streams.data.streams.length === 0
          ? html`<p class="muted">No streams in this state.</p>`
          : html`<div class="table-wrap"><table class="cards" data-testid="tenant-streams">
            <thead><tr><th scope="col">Organisation</th><th scope="col">Stream</th><th scope="col">Type</th><th scope="col">Health</th>
              <th scope="col" class="num">Failures</th><th scope="col">Last delivery</th></tr></thead>
            <tbody>${streams.data.streams.map(
              (s: any) => html`<tr key=${s.id} data-org=${s.org_id} data-status=${s.delivery_status}>
                <td data-label="Organisation"><code>${s.org_id}</code></td>
                <th scope="row">${s.name}</th>
                <td data-label="Type">${s.display_name}</td>
                <td data-label="Health"><${StatusBadge} status=${s.delivery_status} />${s.health_reason ? html`<div class="reason">${s.health_reason}</div>` : null}</td>
                <td class="num" data-label="Failures">${count(s.failure_count)}</td>
                <td data-label="Last delivery"><${Time} iso=${s.last_successful_batch_at} /></td>
              </tr>`,
            )}</tbody>
          </table></div>` : html`<${Loading} />`}
    </section>
  </section>`;
}
