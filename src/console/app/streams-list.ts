/** The organisation's streams at a glance, refreshed every 5 s: health and why, failures, last delivery, backlog, lag. */
import { api } from './api.ts';
import { ErrorNote, Loading, StatusBadge, Time, usePolling } from './common.ts';
import { count, duration } from './format.ts';
import { html } from './html.ts';

export function StreamsList() {
  const { data, error } = usePolling(() => api<any[]>('GET', '/v1/org/streams'), 5000);
  return html`<section aria-labelledby="streams-title">
    <div class="page-head">
      <h1 id="streams-title">Streams</h1>
      <a class="button primary" href="#/streams/new" data-testid="new-stream">New stream</a>
    </div>
    <${ErrorNote} error=${error} />
    ${data === undefined
      ? error ? null : html`<${Loading} />`
      : data.length === 0
        ? html`<p class="empty">No streams yet. Create one to start sending this organisation's security events to your SIEM.</p>`
        : html`<div class="table-wrap"><table class="streams" data-testid="streams-table">
            <caption class="sr-only">Streams of this organisation, updated every 5 seconds</caption>
            <thead><tr>
              <th scope="col">Name</th><th scope="col">Type</th><th scope="col">Enabled</th><th scope="col">Health</th>
              <th scope="col" class="num">Failures</th><th scope="col">Last delivery</th><th scope="col" class="num">Backlog</th><th scope="col" class="num">Lag</th>
            </tr></thead>
            <tbody>
              ${data.map(
                (s) => html`<tr key=${s.id} data-stream-id=${s.id}>
                  <th scope="row"><a href=${`#/streams/${encodeURIComponent(s.id)}`} data-testid="stream-link">${s.name}</a></th>
                  <td>${s.display_name ?? s.connector_type}</td>
                  <td>${s.is_enabled ? 'Yes' : 'No'}</td>
                  <td><${StatusBadge} status=${s.delivery_status} />${s.health_reason ? html`<div class="reason" data-testid="health-reason">${s.health_reason}</div>` : null}</td>
                  <td class="num">${count(s.failure_count)}</td>
                  <td><${Time} iso=${s.last_successful_batch_at ?? s.last_delivery_at} /></td>
                  <td class="num">${count(s.figures?.backlog_events)}</td>
                  <td class="num">${duration(s.figures?.lag_seconds)}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>`}
  </section>`;
}
