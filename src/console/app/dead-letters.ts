/** A stream's dead letters: list, inspect, replay selected or all, purge selected or all. */
import { useState } from 'preact/hooks';
import { api, describeError } from './api.ts';
import { ConfirmButton, ErrorNote, Time, usePolling } from './common.ts';
import { count } from './format.ts';
import { html } from './html.ts';

export function DeadLetters({ id, onChange }: { id: string; onChange: () => void }) {
  const path = `/v1/org/siem-configs/${encodeURIComponent(id)}/dead-letters`;
  const { data, error, reload } = usePolling(() => api('GET', `${path}?limit=50&offset=0`), 5000, [id]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [note, setNote] = useState<string | undefined>(undefined);
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const items: any[] = data?.items ?? [];

  const run = async (what: string, fn: () => Promise<any>) => {
    setActionError(undefined);
    setNote(undefined);
    try {
      const r = await fn();
      setNote(`${what}: ${count(r?.requested ?? r?.deleted ?? 0)}.`);
      setSelected(new Set());
      reload();
      onChange();
    } catch (err) {
      setActionError(describeError(err));
    }
  };
  const ids = [...selected];
  const toggle = (dl: string) => {
    const next = new Set(selected);
    if (next.has(dl)) next.delete(dl);
    else next.add(dl);
    setSelected(next);
  };
  const stateOf = (d: any) => (d.replayed_at ? 'replayed' : d.replay_requested_at ? 'replaying' : 'pending');
  return html`<section class="card" aria-labelledby="dl-title" data-testid="dead-letters">
    <div class="section-head">
      <h2 id="dl-title">Dead letters <span class="muted">(${count(data?.total)})</span></h2>
      <div class="actions" role="toolbar" aria-label="Dead letter actions">
        <button type="button" disabled=${ids.length === 0} data-testid="dl-replay-selected" onClick=${() => run('Queued for replay', () => api('POST', `${path}/replay`, { ids }))}>Replay selected</button>
        <button type="button" disabled=${items.length === 0} data-testid="dl-replay-all" onClick=${() => run('Queued for replay', () => api('POST', `${path}/replay`, {}))}>Replay all</button>
        <${ConfirmButton} label="Purge selected" question=${`Delete ${ids.length} dead letters for good?`} confirmLabel="Purge" danger disabled=${ids.length === 0}
          onConfirm=${() => run('Purged', () => api('DELETE', path, { ids }))} />
        <${ConfirmButton} label="Purge all" question="Delete every dead letter of this stream for good?" confirmLabel="Purge all" danger disabled=${items.length === 0} testId="dl-purge-all"
          onConfirm=${() => run('Purged', () => api('DELETE', path, {}))} />
      </div>
    </div>
    <p class="help">Events the SIEM refused for good, or that kept failing past the retention. Replayed ones are delivered again and marked replayed.</p>
    <${ErrorNote} error=${error ?? actionError} />
    ${note ? html`<p class="note note-ok" role="status" data-testid="dl-note">${note}</p>` : null}
    ${items.length === 0
      ? html`<p class="muted" data-testid="dl-empty">No dead letters.</p>`
      : html`<div class="table-wrap"><table>
          <thead><tr><th scope="col"><span class="sr-only">Select</span></th><th scope="col">Event</th><th scope="col">Reason</th><th scope="col" class="num">Status</th>
            <th scope="col" class="num">Attempts</th><th scope="col">When</th><th scope="col">State</th><th scope="col"><span class="sr-only">Inspect</span></th></tr></thead>
          <tbody>${items.map(
            (d) => html`<tr key=${d.id} data-dead-letter=${d.id} data-state=${stateOf(d)}>
                <td><input type="checkbox" aria-label=${`Select ${d.event_uid}`} checked=${selected.has(d.id)} onChange=${() => toggle(d.id)} /></td>
                <td><code>${d.event_uid}</code><div class="muted">class ${d.class_uid}, severity ${d.severity_id}</div></td>
                <td class="reason">${d.reason}</td>
                <td class="num">${d.status_code ?? '—'}</td>
                <td class="num">${d.attempts}</td>
                <td><${Time} iso=${d.created_at} /></td>
                <td>${stateOf(d)}</td>
                <td><button type="button" aria-expanded=${open === d.id} onClick=${() => setOpen(open === d.id ? undefined : d.id)}>${open === d.id ? 'Close' : 'Inspect'}</button></td>
              </tr>
              ${open === d.id
                ? html`<tr class="inspect"><td colspan="8">
                    ${d.response_text ? html`<p><strong>SIEM answered: </strong></p><pre class="wrap">${d.response_text}</pre>` : null}
                    <p><strong>Event</strong></p><pre>${JSON.stringify(d.event, null, 2)}</pre>
                  </td></tr>`
                : null}`,
          )}</tbody>
        </table></div>`}
  </section>`;
}
