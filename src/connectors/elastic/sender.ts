/** The Elasticsearch connector: encode → (gzip) → guarded transport → per-item classify. Never throws for delivery failures. */
import { exceedsLimits, sendAndClassify } from '../shared/send-request.ts';
import type { Connector, ConnectorDeps, DeliveryEvent, DeliveryOutcome } from '../shared/types.ts';
import { classifyElasticResponse } from './classify.ts';
import type { ElasticConfig } from './config.ts';
import { createElasticEncoder, elasticLimits } from './encoder.ts';
import { testElasticConnection } from './health.ts';

export function createElasticConnector(config: ElasticConfig, deps: ConnectorDeps): Connector {
  const encode = createElasticEncoder(config);
  const transportOpts = { timeoutMs: config.timeout_ms, verifySsl: config.verify_ssl };

  async function deliver(events: readonly DeliveryEvent[], signal?: AbortSignal): Promise<DeliveryOutcome> {
    let req;
    try {
      [req] = encode(events);
    } catch (err) {
      // Only a stored event that is not valid JSON gets here (the encoder re-parses non-compact text).
      return { kind: 'permanent', message: `event is not valid JSON: ${(err as Error).message}` };
    }
    if (!req) return { kind: 'success', message: 'no events' };
    return (
      exceedsLimits(req, elasticLimits, 'documents') ??
      sendAndClassify(deps.http, req, { ...transportOpts, signal }, (res) => classifyElasticResponse(res, req.eventCount, deps.now()))
    );
  }

  return {
    type: 'elastic',
    limits: elasticLimits,
    encode,
    async send(events, opts) {
      return deliver(events, opts?.signal);
    },
    test(event) {
      return testElasticConnection({ config, deps, send: deliver }, event);
    },
    // The transport belongs to deps (shared by every connector); nothing of our own to release.
    async close() {},
  };
}
