/** Small shared pieces: status badges, times, messages, polling, a confirmation step. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from './api.ts';
import { localTime, relativeTime } from './format.ts';
import { html } from './html.ts';
import { useRefreshMs } from './refresh.ts';

const STATUS_TEXT: Record<string, string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  error: 'Failing',
  not_configured: 'Not configured',
  paused: 'Paused',
};

export function StatusBadge({ status }: { status: string }) {
  const known = Object.prototype.hasOwnProperty.call(STATUS_TEXT, status);
  return html`<span class=${`badge badge-${known ? status : 'unknown'}`} data-status=${status}>${known ? STATUS_TEXT[status] : status}</span>`;
}

/** A time shown relative ("3 min ago"), with the full local time on hover and for screen readers. */
export function Time({ iso }: { iso: string | null | undefined }) {
  useTick(30_000);
  if (!iso) return html`<span class="muted">never</span>`;
  return html`<time datetime=${iso} title=${localTime(iso)}>${relativeTime(iso)}</time>`;
}

export function useTick(everyMs: number): void {
  const [, setN] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setN((n) => n + 1), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
}

/**
 * Loads with `load` now and then at the refresh interval chosen in the header (times `slowdown`; four times
 * slower while the tab is hidden, at once when it shows again); `reload()` loads at once. The last good value
 * stays shown while a reload fails (with the error beside it).
 */
export function usePolling<T>(load: () => Promise<T>, deps: unknown[] = [], slowdown = 1) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [n, setN] = useState(0);
  const everyMs = useRefreshMs() * slowdown;
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    const run = async () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (running) return;
      running = true;
      try {
        const v = await loadRef.current();
        if (!alive) return;
        setData(v);
        setError(undefined);
      } catch (err) {
        if (alive) setError(describeError(err));
      } finally {
        running = false;
      }
      if (alive && everyMs > 0) timer = setTimeout(run, document.hidden ? everyMs * 4 : everyMs);
    };
    const onVisible = () => {
      if (!document.hidden && everyMs > 0) void run();
    };
    void run();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [...deps, n, everyMs]);
  return { data, error, reload: () => setN((x) => x + 1) };
}

export function ErrorNote({ error }: { error?: string }) {
  return error ? html`<p class="note note-error" role="alert">${error}</p>` : null;
}

export function Loading() {
  return html`<p class="muted" aria-live="polite">Loading…</p>`;
}

/** A destructive action that asks first, in place (keyboard: the confirm button takes focus). */
export function ConfirmButton(props: { label: string; question: string; confirmLabel: string; onConfirm: () => void | Promise<void>; danger?: boolean; disabled?: boolean; testId?: string }) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return html`<button type="button" class=${props.danger ? 'danger' : ''} disabled=${props.disabled} data-testid=${props.testId} onClick=${() => setAsking(true)}>${props.label}</button>`;
  }
  return html`<span class="confirm" role="group" aria-label=${props.question}>
    <span>${props.question}</span>
    <button type="button" ref=${confirmRef} class="danger" data-testid=${props.testId ? `${props.testId}-confirm` : undefined}
      onClick=${async () => {
        setAsking(false);
        await props.onConfirm();
      }}>${props.confirmLabel}</button>
    <button type="button" onClick=${() => setAsking(false)}>Cancel</button>
  </span>`;
}

export const link = (hash: string) => `#${hash}`;
