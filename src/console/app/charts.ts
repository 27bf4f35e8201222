/**
 * A stream's charts (uPlot): events delivered / failed / dead-lettered per step, and latency p50 / p99, over the
 * last hour or day (GET …/timeseries). Each chart has a text summary beside it (totals for the window) for
 * screen readers and at a glance.
 */
import uPlot from 'uplot';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.ts';
import { ErrorNote, usePolling } from './common.ts';
import { count, ms } from './format.ts';
import { html } from './html.ts';

function Chart({ title, data, series, testId }: { title: string; data: uPlot.AlignedData; series: uPlot.Series[]; testId: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  useEffect(() => {
    const el = box.current!;
    const width = () => Math.max(260, el.clientWidth);
    // Canvas does not follow CSS colours: the axes take the page's text colour (light or dark) once drawn.
    const ink = getComputedStyle(el).color || '#888';
    const axis = { stroke: ink, grid: { stroke: 'rgba(128,128,128,0.22)' }, ticks: { stroke: 'rgba(128,128,128,0.22)' } };
    plot.current = new uPlot(
      {
        title,
        width: width(),
        height: 220,
        series: [{}, ...series],
        axes: [{ ...axis, values: (_u: uPlot, splits: number[]) => splits.map((v) => clock.format(new Date(v * 1000))) }, { ...axis, size: 56 }],
        // An empty window still shows a 0-based scale rather than nothing.
        scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(max ?? 0, min ?? 0, 1) * 1.1] } },
        legend: { live: true },
      },
      data,
      el,
    );
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: width(), height: 220 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
    };
  }, []);
  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);
  return html`<div class="chart" ref=${box} data-testid=${testId} role="img" aria-label=${title}></div>`;
}

// Each point is placed at its step's end, so its bar covers the step and the current one stays in view.
/** Axis times in the user's locale and time zone (uPlot's own labels are US-style). */
const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

const bars = uPlot.paths.bars!({ size: [0.7, 40], align: -1 });
const steps = uPlot.paths.stepped!({ align: -1 });

export function StreamCharts({ id }: { id: string }) {
  const [window, setWindow] = useState<'1h' | '24h'>('1h');
  const { data, error } = usePolling(() => api('GET', `/v1/org/siem-configs/${encodeURIComponent(id)}/timeseries?window=${window}`), [id, window]);
  const points: any[] = data?.points ?? [];
  const xs = points.map((p) => Date.parse(p.t) / 1000 + (data?.step_seconds ?? 60));
  const totals = points.reduce(
    (a, p) => ({ delivered: a.delivered + p.delivered, failed: a.failed + p.failed, dead: a.dead + p.dead_lettered }),
    { delivered: 0, failed: 0, dead: 0 },
  );
  const p99 = points.reduce((m, p) => (p.latency_p99_ms != null ? Math.max(m ?? 0, p.latency_p99_ms) : m), null as number | null);
  const events: uPlot.AlignedData = [xs, points.map((p) => p.delivered), points.map((p) => p.failed), points.map((p) => p.dead_lettered)];
  const latency: uPlot.AlignedData = [xs, points.map((p) => p.latency_p50_ms), points.map((p) => p.latency_p99_ms)];
  const label = window === '1h' ? 'the last hour' : 'the last 24 hours';
  return html`<section aria-labelledby="charts-title" class="card">
    <div class="section-head">
      <h2 id="charts-title">Delivery over ${label}</h2>
      <div role="group" aria-label="Time window" class="segmented">
        <button type="button" aria-pressed=${window === '1h'} onClick=${() => setWindow('1h')}>1 h</button>
        <button type="button" aria-pressed=${window === '24h'} onClick=${() => setWindow('24h')}>24 h</button>
      </div>
    </div>
    <${ErrorNote} error=${error} />
    <p class="chart-summary" aria-live="polite" data-testid="chart-summary">
      Delivered <strong data-testid="chart-total-delivered">${count(totals.delivered)}</strong>,
      failed attempts <strong data-testid="chart-total-failed">${count(totals.failed)}</strong>,
      dead-lettered <strong data-testid="chart-total-dead">${count(totals.dead)}</strong>;
      worst p99 latency ${ms(p99)}.
    </p>
    ${data
      ? html`<div class="charts">
          <${Chart} key=${`events-${window}`} testId="chart-events" title="Events per step" data=${events}
            series=${[
              // Counts per step: delivered as bars, the failures as steps over them.
              { label: 'delivered', stroke: '#2f7de1', fill: 'rgba(47,125,225,0.35)', width: 1, paths: bars },
              { label: 'failed', stroke: '#e8891c', width: 2, paths: steps },
              { label: 'dead-lettered', stroke: '#d93b3b', width: 2, paths: steps },
            ]} />
          <${Chart} key=${`latency-${window}`} testId="chart-latency" title="Latency (ms)" data=${latency}
            series=${[
              // Steps without deliveries have no latency: points, so a lone minute still shows.
              { label: 'p50 ms', stroke: '#2a9d61', width: 2, spanGaps: false, points: { show: true, size: 5 } },
              { label: 'p99 ms', stroke: '#8a5cd1', width: 2, spanGaps: false, points: { show: true, size: 5 } },
            ]} />
        </div>`
      : null}
  </section>`;
}
