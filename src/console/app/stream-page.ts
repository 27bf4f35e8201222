/**
 * One stream: health and why, actions (test, enable/disable, edit, delete), live figures, charts, last errors,
 * filters, payload preview, dead letters, replay of a time window, audit trail.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from './api.ts';
import { StreamCharts } from './charts.ts';
import { ConfirmButton, ErrorNote, Loading, StatusBadge, Time, usePolling } from './common.ts';
import { DeadLetters } from './dead-letters.ts';
import { count, duration, localTime, ms } from './format.ts';
import { html } from './html.ts';
import { className, severityName } from './ocsf-names.ts';

const base = (id: string) => `/v1/org/siem-configs/${encodeURIComponent(id)}`;

export function StreamPage({ id }: { id: string }) {
  const { data: s, error, reload } = usePolling(() => api('GET', `/v1/org/streams/${encodeURIComponent(id)}`), [id]);
  const deadLetters = usePolling(() => api('GET', `${base(id)}/dead-letters?limit=50&offset=0`), [id]);
  const [actionError, setActionError] = useState<string | undefined>(undefined);
  const [test, setTest] = useState<any>(undefined);
  const [testing, setTesting] = useState(false);
  useEffect(() => {
    if (s?.name) document.title = `${s.name} · siemstream console`;
  }, [s?.name]);

  if (!s) return error ? html`<p><a href="#/">← Streams</a></p><${ErrorNote} error=${error} />` : html`<${Loading} />`;

  const act = async (fn: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await fn();
      reload();
    } catch (err) {
      setActionError(describeError(err));
    }
  };
  const runTest = async () => {
    setTesting(true);
    setTest(undefined);
    setActionError(undefined);
    try {
      setTest(await api('POST', `/v1/org/streams/${encodeURIComponent(id)}/test`));
      reload();
    } catch (err) {
      setActionError(describeError(err));
    } finally {
      setTesting(false);
    }
  };
  const f = s.figures ?? {};
  return html`<article aria-labelledby="stream-title" data-testid="stream-page" data-status=${s.delivery_status}>
    <p><a href="#/">← Streams</a></p>
    <div class="page-head">
      <h1 id="stream-title">${s.name}</h1>
      <${StatusBadge} status=${s.delivery_status} />
    </div>
    <p class="muted">${s.display_name} · created <${Time} iso=${s.created_at} /> · ${s.is_enabled ? 'enabled' : 'disabled: nothing is delivered'}</p>
    ${s.health_reason ? html`<p class="note note-error" data-testid="stream-reason"><strong>Why: </strong>${s.health_reason}</p>` : null}
    ${f.backlog_events > 0 && s.delivery_status !== 'healthy'
      ? html`<p class="note note-warn" data-testid="stream-backlog-note">
          ${count(f.backlog_events)} events are waiting (the oldest for ${duration(f.lag_seconds)}); they are kept for the retention period and delivered once the SIEM accepts them again.
        </p>`
      : null}
    ${(s.warnings ?? []).map((w: string) => html`<p class="note note-warn">${w}</p>`)}
    <${ErrorNote} error=${error} />
    <div class="actions" role="toolbar" aria-label="Stream actions">
      <button type="button" class="primary" onClick=${runTest} disabled=${testing} data-testid="test-connection">${testing ? 'Testing…' : 'Test connection'}</button>
      <a class="button" href=${`#/streams/${encodeURIComponent(id)}/edit`} data-testid="edit-stream">Edit</a>
      <button type="button" data-testid="toggle-enabled" onClick=${() => act(() => api('PUT', `/v1/org/streams/${encodeURIComponent(id)}`, { is_enabled: !s.is_enabled }))}>
        ${s.is_enabled ? 'Disable' : 'Enable'}
      </button>
      <${ConfirmButton} label="Delete" danger testId="delete-stream" question=${`Delete "${s.name}"? Delivery stops and its dead letters are deleted.`} confirmLabel="Delete for good"
        onConfirm=${() => act(async () => { await api('DELETE', base(id)); location.hash = '#/'; })} />
    </div>
    <${ErrorNote} error=${actionError} />
    ${test ? html`<section class=${`card test-result ${test.success ? 'ok' : 'failed'}`} aria-live="polite" data-testid="test-result" data-kind=${test.kind}>
        <h2>${test.success ? 'Connection works' : 'Connection test failed'}</h2>
        <p>The SIEM answered: <strong data-testid="test-status">${test.status === null || test.status === undefined ? 'no HTTP answer' : `HTTP ${test.status}`}</strong></p>
        <p class="message" data-testid="test-message">${test.message}</p>
        <p data-testid="test-advice"><strong>What to do: </strong>${test.advice}</p>
      </section>` : null}

    <section class="card" aria-labelledby="figures-title">
      <h2 id="figures-title">Now</h2>
      <dl class="figures">
        <div><dt>Backlog</dt><dd data-testid="figure-backlog">${count(f.backlog_events)} events</dd></div>
        <div><dt>Lag</dt><dd data-testid="figure-lag">${duration(f.lag_seconds)}</dd></div>
        <div><dt>Delivered</dt><dd data-testid="figure-delivered">${count(f.events_delivered)}</dd></div>
        <div><dt>Failed attempts</dt><dd data-testid="figure-failed">${count(f.events_failed)}</dd></div>
        <div><dt>Dead-lettered</dt><dd data-testid="figure-dead">${count(f.events_dead_lettered)} (${count(f.dead_letters_pending)} pending)</dd></div>
        <div><dt>Latency p50 / p99</dt><dd>${ms(f.latency_p50_ms)} / ${ms(f.latency_p99_ms)}</dd></div>
        <div><dt>Failures in a row</dt><dd data-testid="figure-failures">${count(s.failure_count)}</dd></div>
        <div><dt>Last delivery</dt><dd><${Time} iso=${s.last_successful_batch_at} /></dd></div>
        <div><dt>Last test</dt><dd>${s.last_test_at ? html`<${Time} iso=${s.last_test_at} /> (${s.last_test_result ?? '—'})` : 'never'}</dd></div>
      </dl>
    </section>

    <${StreamCharts} id=${id} />

    <${LastErrors} stream=${s} deadLetters=${deadLetters.data?.items ?? []} />

    <section class="card" aria-labelledby="settings-title">
      <div class="section-head">
        <h2 id="settings-title">Settings and filters</h2>
        <a class="button" href=${`#/streams/${encodeURIComponent(id)}/edit`}>Change</a>
      </div>
      <dl class="settings" data-testid="settings">
        ${Object.entries(s.config ?? {}).map(([k, v]) => html`<div><dt>${k}</dt><dd>${typeof v === 'string' ? v : JSON.stringify(v)}</dd></div>`)}
        ${Object.entries(s.secrets ?? {}).map(([k, v]) => html`<div><dt>${k}</dt><dd><span class=${`secret-state ${v === 'set' ? 'set' : 'not-set'}`} data-testid=${`secret-${k}`}>${v === 'set' ? 'set (write-only)' : 'not set'}</span></dd></div>`)}
        <div><dt>Batch size</dt><dd>${s.batch_size}</dd></div>
        <div><dt>OCSF classes</dt><dd data-testid="filter-classes">${s.filters?.class_uids?.length ? s.filters.class_uids.map(className).join(', ') : 'every class'}</dd></div>
        <div><dt>Minimum severity</dt><dd data-testid="filter-severity">${severityName(s.filters?.min_severity_id)}</dd></div>
      </dl>
    </section>

    <${Preview} id=${id} />
    <${DeadLetters} id=${id} page=${deadLetters.data} error=${deadLetters.error}
      onChange=${() => { deadLetters.reload(); reload(); }} />
    <${ReplayWindow} id=${id} />
    <${Audit} id=${id} />
  </article>`;
}

/** The stream's last error, its last failed test, and the distinct reasons of its latest dead letters. */
function LastErrors({ stream: s, deadLetters }: { stream: any; deadLetters: any[] }) {
  const reasons: { text: string; at: string; n: number }[] = [];
  for (const d of deadLetters) {
    const text = d.response_text ? `${d.reason}: ${d.response_text}` : d.reason;
    const seen = reasons.find((r) => r.text === text);
    if (seen) seen.n++;
    else if (reasons.length < 5) reasons.push({ text, at: d.created_at, n: 1 });
  }
  const none = !s.last_error && reasons.length === 0;
  return html`<section class="card" aria-labelledby="errors-title" data-testid="last-errors">
    <h2 id="errors-title">Last errors</h2>
    <p class="help">As the SIEM or the network reported them; credentials are redacted.</p>
    ${none ? html`<p class="muted">None.</p>` : null}
    ${s.last_error
      ? html`<p><strong>Latest</strong>${s.last_delivery_at ? html` · <${Time} iso=${s.last_delivery_at} />` : null}</p>
          <pre class="wrap" data-testid="last-error">${s.last_error}</pre>`
      : null}
    ${reasons.length > 0
      ? html`<p><strong>Why the latest dead letters were refused</strong></p>
          <ul class="reasons">${reasons.map((r) => html`<li><${Time} iso=${r.at} />${r.n > 1 ? ` (${r.n}×)` : ''}: <span class="wrap">${r.text}</span></li>`)}</ul>`
      : null}
  </section>`;
}

function Preview({ id }: { id: string }) {
  const [p, setP] = useState<any>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const load = async () => {
    setError(undefined);
    try {
      setP(await api('GET', `${base(id)}/preview`));
    } catch (err) {
      setError(describeError(err));
    }
  };
  return html`<section class="card" aria-labelledby="preview-title">
    <div class="section-head">
      <h2 id="preview-title">Payload preview</h2>
      <button type="button" onClick=${load} data-testid="load-preview">${p ? 'Refresh' : 'Show what the SIEM receives'}</button>
    </div>
    <p class="help">The exact request the connector sends for a sample event (credentials redacted).</p>
    <${ErrorNote} error=${error} />
    ${p ? p.requests.map((r: any) => html`<div class="preview" data-testid="preview">
        <p><code class="wrap">${r.method} ${r.url}</code>${r.gzip ? ' (sent gzip-compressed)' : ''} · ${count(r.event_count)} event</p>
        <pre>${Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
        <pre class="body">${r.body}</pre>
      </div>`) : null}
  </section>`;
}

function ReplayWindow({ id }: { id: string }) {
  const pad = (n: number) => String(n).padStart(2, '0');
  const local = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const [from, setFrom] = useState(() => local(new Date(Date.now() - 3_600_000)));
  const [to, setTo] = useState(() => local(new Date(Date.now() + 60_000)));
  const [result, setResult] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    const fromTime = new Date(from);
    const toTime = new Date(to);
    if (Number.isNaN(fromTime.getTime()) || Number.isNaN(toTime.getTime())) {
      setError('Give both times (date and time).');
      return;
    }
    try {
      const r = await api('POST', `${base(id)}/replay`, { from: fromTime.toISOString(), to: toTime.toISOString() });
      setResult(`Replay queued: events published ${localTime(r.from)} – ${localTime(r.to)}${r.clipped ? ' (narrowed to what the retention still holds)' : ''}.`);
    } catch (err) {
      setError(describeError(err));
    }
  };
  return html`<section class="card" aria-labelledby="replay-title">
    <h2 id="replay-title">Replay a time window</h2>
    <p class="help">Delivers again the events published in the window (while still in retention), beside live delivery: the SIEM may receive some twice. Times are local.</p>
    <form class="inline-form" onSubmit=${submit} data-testid="replay-window">
      <label for="replay-from">From</label>
      <input id="replay-from" type="datetime-local" value=${from} onInput=${(e: Event) => setFrom((e.target as HTMLInputElement).value)} />
      <label for="replay-to">To</label>
      <input id="replay-to" type="datetime-local" value=${to} onInput=${(e: Event) => setTo((e.target as HTMLInputElement).value)} />
      <button type="submit">Replay</button>
    </form>
    <${ErrorNote} error=${error} />
    ${result ? html`<p class="note note-ok" role="status" data-testid="replay-result">${result}</p>` : null}
  </section>`;
}

function Audit({ id }: { id: string }) {
  const { data, error } = usePolling(() => api<any[]>('GET', `${base(id)}/audit`), [id], 3);
  return html`<section class="card" aria-labelledby="audit-title">
    <h2 id="audit-title">Audit trail</h2>
    <p class="help">Who changed this stream's configuration, and which fields (never their values).</p>
    <${ErrorNote} error=${error} />
    ${data ? html`<div class="table-wrap"><table class="cards" data-testid="audit">
        <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Fields</th></tr></thead>
        <tbody>${data.map((a) => html`<tr key=${a.id}><td data-label="When"><${Time} iso=${a.at} /></td><td data-label="Who">${a.actor}</td><td data-label="What">${a.action}</td><td data-label="Fields">${(a.changed_fields ?? []).join(', ')}</td></tr>`)}</tbody>
      </table></div>` : null}
  </section>`;
}
