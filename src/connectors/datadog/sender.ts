/** The Datadog connector: encode → (gzip) → guarded transport → classify. Never throws for delivery failures. */
import { exceedsLimits, sendAndClassify } from '../shared/send-request.ts';
import type { Connector, ConnectorDeps, DeliveryEvent, DeliveryOutcome } from '../shared/types.ts';
import { classifyDatadogResponse } from './classify.ts';
import type { DatadogConfig } from './config.ts';
import { createDatadogEncoder, datadogLimits } from './encoder.ts';
import { testDatadogConnection } from './health.ts';

export function createDatadogConnector(config: DatadogConfig, deps: ConnectorDeps): Connector {
  const encode = createDatadogEncoder(config);
  const transportOpts = { timeoutMs: config.timeout_ms, verifySsl: config.verify_ssl };

  async function deliver(events: readonly DeliveryEvent[], signal?: AbortSignal): Promise<DeliveryOutcome> {
    const [req] = encode(events);
    if (!req) return { kind: 'success', message: 'no events' };
    return (
      exceedsLimits(req, datadogLimits) ??
      sendAndClassify(deps.http, req, { ...transportOpts, signal }, (res) => classifyDatadogResponse(res, deps.now()))
    );
  }

  return {
    type: 'datadog',
    limits: datadogLimits,
    encode,
    async send(events, opts) {
      return deliver(events, opts?.signal);
    },
    test(event) {
      return testDatadogConnection({ config, deps, send: deliver }, event);
    },
    // The transport belongs to deps (shared by every connector); nothing of our own to release.
    async close() {},
  };
}
