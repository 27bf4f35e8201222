/** The Cortex XSIAM connector: encode → (gzip) → guarded POST → generic classification (protocols.md §6.1). */
import { genericClassifier, sendAndClassify } from '../shared/send-request.ts';
import type { Connector, ConnectorDeps, ConnectorLimits, DeliveryEvent, DeliveryOutcome } from '../shared/types.ts';
import { collectorUrl, type CortexXsiamConfig } from './config.ts';
import { encodeXsiamBatch, type XsiamEncoderSettings } from './encoder.ts';
import { testXsiamConnection } from './health.ts';

/**
 * Cribl's XSIAM destination enforces 10 MB per batch and 5 MB per event; Palo Alto's own helper chunks at 9 MB.
 * 9 MB keeps a margin under the collector's 10 MB.
 */
export const XSIAM_LIMITS: ConnectorLimits = {
  maxEventsPerRequest: 10_000,
  maxRequestBytes: 9_000_000,
  maxEventBytes: 5_000_000,
};

export function createXsiamConnector(config: CortexXsiamConfig, deps: ConnectorDeps): Connector {
  const settings: XsiamEncoderSettings = {
    url: collectorUrl(config.url),
    apiKey: config.api_key,
    gzip: config.compression === 'gzip',
  };
  const transportOpts = { timeoutMs: config.timeout_ms, verifySsl: config.verify_ssl };

  async function send(events: readonly DeliveryEvent[], opts: { signal?: AbortSignal } = {}): Promise<DeliveryOutcome> {
    return sendAndClassify(deps.http, encodeXsiamBatch(events, settings), { ...transportOpts, signal: opts.signal }, genericClassifier(deps.now));
  }

  return {
    type: 'cortex_xsiam',
    limits: XSIAM_LIMITS,
    encode: (events) => [encodeXsiamBatch(events, settings)],
    send,
    test: (event) => testXsiamConnection(event, send),
    close: async () => {},
  };
}
