/**
 * A stream's dead letters (the stream page polls them: its last-errors section reads them too): list, inspect,
 * replay selected or all, purge selected or all.
 */
import { useState } from 'preact/hooks';
import { api, describeError } from './api.ts';
import { ConfirmButton, ErrorNote, Time } from './common.ts';
import { count } from './format.ts';
import { html } from './html.ts';
import { className, severityName } from './ocsf-names.ts';

const stateOf = (d: any) => (d.replayed_at ? 'replayed' : d.replay_requested_at ? 'replaying' : 'pending');

export function DeadLetters({ id, page, error, onChange }: { id: string; page?: { items: any[]; total: number }; error?: string; onChange: () => void }) {
  const path = `/v1/org/siem-configs/${encodeURIComponent(id)}/dead-letters`;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [note, setNote] = useState<string | undefined>(undefined);
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const items: any[] = page?.items ?? [];
  const pending = items.filter((d) => stateOf(d) === 'pending');

  const run = async (what: (n: number) => string, fn: () => Promise<any>) => {
    setActionError(undefined);
    setNote(undefined);
    try {
      const r = await fn();
      setNote(what(r?.requested ?? r?.deleted ?? 0));
      setSelected(new Set());
      onChange();
    } catch (err) {
      setActionError(describeError(err));
    }
  };
  const queued = (n: number) => `${count(n)} queued for replay: they are delivered again within seconds and then marked replayed.`;
  const purged = (n: number) => `${count(n)} purged.`;
  // Only ids still listed: a dead letter purged meanwhile must not be sent.
  const ids = items.filter((d) => selected.has(d.id)).map((d) => d.id);
  const toggle = (dl: string) => {
    const next = new Set(selected);
    if (next.has(dl)) next.delete(dl);
    else next.add(dl);
    setSelected(next);
  };
  return html`<section class="card" aria-labelledby="dl-title" data-testid="dead-letters">
    <div class="section-head">
      <h2 id="dl-title">Dead letters <span class="muted" data-testid="dl-total">(${count(page?.total)})</span></h2>
      <div class="actions" role="toolbar" aria-label="Dead letter actions">
        <button type="button" disabled=${ids.length === 0} data-testid="dl-replay-selected" onClick=${() => run(queued, () => api('POST', `${path}/replay`, { ids }))}>Replay selected</button>
        <button type="button" disabled=${pending.length === 0} data-testid="dl-replay-all" onClick=${() => run(queued, () => api('POST', `${path}/replay`, {}))}>Replay all</button>
        <${ConfirmButton} label="Purge selected" question=${`Delete ${ids.length} dead letters for good?`} confirmLabel="Purge" danger disabled=${ids.length === 0} testId="dl-purge-selected"
          onConfirm=${() => run(purged, () => api('DELETE', path, { ids }))} />
        <${ConfirmButton} label="Purge all" question="Delete every dead letter of this stream for good?" confirmLabel="Purge all" danger disabled=${items.length === 0} testId="dl-purge-all"
          onConfirm=${() => run(purged, () => api('DELETE', path, {}))} />
      </div>
    </div>
    <p class="help">Events the SIEM refused for good, or that kept failing past the retention: they are not retried. Fix the cause, then replay them.</p>
    <${ErrorNote} error=${error ?? actionError} />
    ${note ? html`<p class="note note-ok" role="status" data-testid="dl-note">${note}</p>` : null}
    ${items.length === 0
      ? html`<p class="muted" data-testid="dl-empty">No dead letters.</p>`
      : html`${page && page.total > items.length ? html`<p class="muted">The latest ${count(items.length)} of ${count(page.total)}; "Replay all" and "Purge all" act on every one.</p>` : null}
        <div class="table-wrap"><table class="cards" data-testid="dl-table">
          <thead><tr><th scope="col"><span class="sr-only">Select</span></th><th scope="col">Event</th><th scope="col">Reason</th><th scope="col" class="num">Status</th>
            <th scope="col" class="num">Attempts</th><th scope="col">When</th><th scope="col">State</th><th scope="col"><span class="sr-only">Inspect</span></th></tr></thead>
          <tbody>${items.map(
            (d) => html`<tr key=${d.id} data-dead-letter=${d.id} data-state=${stateOf(d)}>
                <td><input type="checkbox" id=${`dl-${d.id}`} aria-label=${`Select dead letter ${d.event_uid}`} checked=${selected.has(d.id)} onChange=${() => toggle(d.id)} /></td>
                <td data-label="Event"><code class="wrap">${d.event_uid}</code><div class="muted">${className(d.class_uid)}, severity ${severityName(d.severity_id)}</div></td>
                <td class="reason" data-label="Reason">${d.reason}</td>
                <td class="num" data-label="Status">${d.status_code ?? '—'}</td>
                <td class="num" data-label="Attempts">${d.attempts}</td>
                <td data-label="When"><${Time} iso=${d.created_at} /></td>
                <td data-label="State" data-testid="dl-state">${stateOf(d)}</td>
                <td><button type="button" aria-expanded=${open === d.id} aria-controls=${`dl-inspect-${d.id}`} onClick=${() => setOpen(open === d.id ? undefined : d.id)}>${open === d.id ? 'Close' : 'Inspect'}</button></td>
              </tr>
              ${open === d.id
                ? html`<tr class="inspect" id=${`dl-inspect-${d.id}`}><td colspan="8" data-testid="dl-inspect">
                    <p>Published <${Time} iso=${d.published_at} />, dead-lettered <${Time} iso=${d.created_at} />${d.replayed_at ? html`, replayed <${Time} iso=${d.replayed_at} />` : null}.</p>
                    ${d.response_text ? html`<p><strong>The SIEM answered</strong></p><pre class="wrap">${d.response_text}</pre>` : null}
                    <p><strong>The event</strong></p><pre>${JSON.stringify(d.event, null, 2)}</pre>
                  </td></tr>`
                : null}`,
          )}</tbody>
        </table></div>`}
  </section>`;
}
