/** The final table (Markdown, so it can be quoted as is) and the detail lines under it. */
import { TARGETS, fmtInt, type ScenarioResult } from './scenario-context.ts';

export interface ReportHeader {
  lines: string[];
}

const COLUMNS = ['scenario', 'events', 'delivered/s', 'publish/s', 'publish p50 / p99 ms', 'delivery p50 / p99 ms', 'peak RSS MiB', 'CPU s', 'CPU µs/event', 'target', 'result'];
/** Columns from here on are text (left-aligned). */
const FIRST_TEXT_COLUMN = 9;

export function renderReport(header: ReportHeader, results: ScenarioResult[], notes: string[]): string {
  const rows = results.map(row);
  const ratio = ratioRow(results);
  if (ratio) rows.push(ratio);
  const floor = floorRatioRow(results);
  if (floor) rows.push(floor);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 || i >= FIRST_TEXT_COLUMN ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [
    ...header.lines,
    '',
    line(COLUMNS),
    `|${widths.map((w, i) => (i === 0 || i >= FIRST_TEXT_COLUMN ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
    '',
    ...results.flatMap((r) => r.details),
    ...notes,
  ];
  return out.join('\n');
}

function row(r: ScenarioResult): string[] {
  const missing = r.complete ? '' : ' (incomplete)';
  return [
    r.label,
    fmtInt(r.events),
    fmtInt(r.deliveredPerSec),
    fmtInt(r.publishPerSec),
    pair(r.publishP50, r.publishP99),
    pair(r.deliveryP50, r.deliveryP99),
    fmtInt(r.peakRssMiB),
    Number.isFinite(r.cpuSeconds) ? r.cpuSeconds.toFixed(1) : '–',
    Number.isFinite(r.cpuSeconds) && r.events > 0 ? ((r.cpuSeconds * 1e6) / r.events).toFixed(1) : '–',
    r.target?.text ?? '',
    r.error ? 'ERROR' : r.target ? (r.target.pass ? 'PASS' : 'FAIL') + missing : r.complete ? '' : 'incomplete',
  ];
}

/** siemstream (a) delivered/s ÷ syslog-ng delivered/s, when both ran. */
function ratioRow(results: ScenarioResult[]): string[] | undefined {
  const a = results.find((r) => r.key === 'a');
  const sng = results.find((r) => r.key === 'sng');
  if (!a || !sng || !(sng.deliveredPerSec > 0)) return undefined;
  const ratio = a.deliveredPerSec / sng.deliveredPerSec;
  return ['siemstream (a) ÷ syslog-ng', '', `${ratio.toFixed(2)}×`, '', '', '', '', '', '', `≥ ${TARGETS.ratioToSyslogNg.toFixed(1)}×`, ratio >= TARGETS.ratioToSyslogNg ? 'PASS' : 'FAIL'];
}

/** The Node.js floor ÷ syslog-ng, when both ran: what any Node.js design validating every event could reach. No target. */
function floorRatioRow(results: ScenarioResult[]): string[] | undefined {
  const floor = results.find((r) => r.key === 'floor');
  const sng = results.find((r) => r.key === 'sng');
  if (!floor || !sng || !(sng.deliveredPerSec > 0) || !(floor.deliveredPerSec > 0)) return undefined;
  return ['Node.js floor ÷ syslog-ng', '', `${(floor.deliveredPerSec / sng.deliveredPerSec).toFixed(2)}×`, '', '', '', '', '', '', '(reference)', ''];
}

function pair(a: number | undefined, b: number | undefined): string {
  return a === undefined && b === undefined ? '–' : `${fmtInt(a)} / ${fmtInt(b)}`;
}
