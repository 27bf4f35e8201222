/**
 * QRadar connection test. With `token` and `log_source_id`, first ask the REST API whether the log source exists
 * (`GET /api/config/event_sources/log_source_management/log_sources/{id}` with `SEC`, `Version`, `Accept`,
 * protocols.md §7.3) — cheap, and it proves the token; then send the synthetic event over the configured
 * transport. Syslog gives no acknowledgement, so for syslog "success" means the bytes were written and flushed.
 */
import { classifyTransportError, describeHttpStatus } from '../shared/classify.ts';
import { testResultFromOutcome } from '../shared/connection-test.ts';
import type { ConnectionTestResult, ConnectorDeps, DeliveryEvent, DeliveryOutcome } from '../shared/types.ts';
import type { QradarConfig, QradarTarget } from './config.ts';

export const QRADAR_API_VERSION = '19.0';

interface TestContext {
  config: QradarConfig;
  target: QradarTarget;
  deps: ConnectorDeps;
  timeoutMs: number;
  send(events: readonly DeliveryEvent[]): Promise<DeliveryOutcome>;
}

export async function testQradarConnection(ctx: TestContext, event: DeliveryEvent): Promise<ConnectionTestResult> {
  let logSource: string | undefined;
  if (ctx.config.token !== undefined && ctx.config.log_source_id !== undefined) {
    const check = await checkLogSource(ctx, ctx.config.token, ctx.config.log_source_id);
    if (!check.ok) return { success: false, status: check.status, message: check.message, eventsSent: 0 };
    logSource = check.message;
  }

  const result = testResultFromOutcome(await ctx.send([event]));
  if (!result.success) return result;
  const via =
    ctx.target.transport === 'http_receiver'
      ? result.message
      : `Test event written to QRadar ${ctx.target.transport === 'syslog_tls' ? 'TLS syslog' : 'syslog'} at ` +
        `${ctx.target.hostname}:${ctx.target.port} (syslog has no delivery acknowledgement)`;
  return { ...result, message: logSource ? `${via}; ${logSource}` : via };
}

type LogSourceCheck = { ok: true; message: string } | { ok: false; status?: number; message: string };

async function checkLogSource(ctx: TestContext, token: string, id: number): Promise<LogSourceCheck> {
  const url = `${ctx.target.restBase}/api/config/event_sources/log_source_management/log_sources/${id}`;
  let res;
  try {
    res = await ctx.deps.http.request({
      method: 'GET',
      url,
      headers: { SEC: token, Version: QRADAR_API_VERSION, Accept: 'application/json' },
      timeoutMs: ctx.timeoutMs,
      verifySsl: ctx.config.verify_ssl,
    });
  } catch (err) {
    return { ok: false, message: `QRadar REST API unreachable: ${classifyTransportError(err).message}` };
  }
  const { status } = res;
  if (status === 200) {
    const name = logSourceName(res.text());
    return { ok: true, message: `log source ${id}${name ? ` "${name}"` : ''} found` };
  }
  if (status === 401) return { ok: false, status, message: 'QRadar rejected the SEC token' };
  if (status === 403) return { ok: false, status, message: 'The SEC token may not read log sources (QRadar answered 403)' };
  if (status === 404) return { ok: false, status, message: `QRadar has no log source with id ${id}` };
  return { ok: false, status, message: `QRadar REST API: ${describeHttpStatus(status, res.text(), res.statusText)}` };
}

function logSourceName(text: string): string | undefined {
  try {
    const name = (JSON.parse(text) as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
