/**
 * The organisation's streams at a glance, refreshed at the header's interval: health and why, failures, last
 * delivery, backlog, lag. At phone width each row becomes a card whose values carry their column's name.
 */
import { api } from './api.ts';
import { ErrorNote, Loading, StatusBadge, Time, usePolling } from './common.ts';
import { count, duration } from './format.ts';
import { html } from './html.ts';

export function StreamsList() {
  const { data, error } = usePolling(() => api<any[]>('GET', '/v1/org/streams'));
  const failing = (data ?? []).filter((s) => ['degraded', 'error', 'not_configured'].includes(s.delivery_status)).length;
  return html`<section aria-labelledby="streams-title">
    <div class="page-head">
      <h1 id="streams-title">Streams</h1>
      <a class="button primary" href="#/streams/new" data-testid="new-stream">New stream</a>
    </div>
    <${ErrorNote} error=${error} />
    ${data === undefined
      ? error ? null : html`<${Loading} />`
      : data.length === 0
        ? html`<div class="empty">
            <p>No streams yet. A stream sends this organisation's security events to your SIEM.</p>
            <p><a class="button primary" href="#/streams/new">Create the first stream</a></p>
          </div>`
        : html`<p class="muted" data-testid="streams-summary" aria-live="polite">
              ${count(data.length)} ${data.length === 1 ? 'stream' : 'streams'}${failing > 0 ? `, ${count(failing)} failing` : ', all working'}.
            </p>
            <div class="table-wrap"><table class="cards" data-testid="streams-table">
            <caption class="sr-only">Streams of this organisation, updated automatically</caption>
            <thead><tr>
              <th scope="col">Name</th><th scope="col">Type</th><th scope="col">Enabled</th><th scope="col">Health</th>
              <th scope="col" class="num">Failures</th><th scope="col">Last delivery</th><th scope="col" class="num">Backlog</th><th scope="col" class="num">Lag</th>
            </tr></thead>
            <tbody>
              ${data.map(
                (s) => html`<tr key=${s.id} data-stream-id=${s.id} data-status=${s.delivery_status}>
                  <th scope="row"><a href=${`#/streams/${encodeURIComponent(s.id)}`} data-testid="stream-link">${s.name}</a></th>
                  <td data-label="Type">${s.display_name ?? s.connector_type}</td>
                  <td data-label="Enabled">${s.is_enabled ? 'Yes' : 'No'}</td>
                  <td data-label="Health"><${StatusBadge} status=${s.delivery_status} />${s.health_reason ? html`<div class="reason" data-testid="health-reason">${s.health_reason}</div>` : null}</td>
                  <td class="num" data-label="Failures" data-testid="failures">${count(s.failure_count)}</td>
                  <td data-label="Last delivery"><${Time} iso=${s.last_successful_batch_at} /></td>
                  <td class="num" data-label="Backlog" data-testid="backlog">${count(s.figures?.backlog_events)}</td>
                  <td class="num" data-label="Lag" data-testid="lag">${duration(s.figures?.lag_seconds)}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>`}
  </section>`;
}
