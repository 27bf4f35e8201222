/**
 * The Sumo Logic connector: encode → (gzip) → guarded transport → classify. Never throws for delivery failures.
 * Events over the per-message limit are rejected here (Sumo would split them into broken messages) while the
 * rest of the batch is delivered.
 */
import { exceedsLimits, sendAndClassify } from '../shared/send-request.ts';
import type { Connector, ConnectorDeps, Deliver, DeliveryEvent, DeliveryOutcome } from '../shared/types.ts';
import { classifySumoLogicResponse } from './classify.ts';
import type { SumoLogicConfig } from './config.ts';
import { createSumoLogicEncoder } from './encoder.ts';
import { testSumoLogicConnection } from './health.ts';
import { sumoLogicLimits } from './limits.ts';

export function createSumoLogicConnector(config: SumoLogicConfig, deps: ConnectorDeps): Connector {
  const encode = createSumoLogicEncoder(config);
  const transport = { timeoutMs: config.timeout_ms, verifySsl: config.verify_ssl };

  async function post(events: readonly DeliveryEvent[], signal?: AbortSignal): Promise<DeliveryOutcome> {
    const req = encode(events);
    return (
      exceedsLimits(req, sumoLogicLimits) ??
      sendAndClassify(deps.http, req, { ...transport, signal }, (res) => classifySumoLogicResponse(res, deps.now()))
    );
  }

  const deliver: Deliver = async (events, signal) => {
    if (events.length === 0) return { kind: 'success', message: 'no events' };
    const oversize = oversizeIndices(events);
    if (oversize.length === 0) return post(events, signal);
    const rejected = oversize.map((index) => ({ index, reason: oversizeReason(events[index]) }));
    if (oversize.length === events.length) {
      return { kind: 'permanent', message: rejected.length === 1 ? rejected[0].reason : `${rejected.length} events: ${rejected[0].reason}` };
    }
    const skip = new Set(oversize);
    const outcome = await post(events.filter((_, i) => !skip.has(i)), signal);
    // Only a delivered remainder turns into a partial; otherwise the whole batch shares the outcome and the
    // oversize events are rejected again when it is retried or split.
    return outcome.kind === 'success' ? { kind: 'partial', status: outcome.status, retry: [], rejected, message: outcome.message } : outcome;
  };

  return {
    type: 'sumo_logic',
    limits: sumoLogicLimits,
    encode: (events) => [encode(events)],
    send: (events, opts) => deliver(events, opts?.signal),
    test: (event) => testSumoLogicConnection(deliver, event),
    // The transport belongs to deps (shared by every connector); nothing of our own to release.
    async close() {},
  };
}

function oversizeIndices(events: readonly DeliveryEvent[]): number[] {
  const max = sumoLogicLimits.maxEventBytes;
  const out: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const { json } = events[i];
    // UTF-8 takes at least one and at most three bytes per UTF-16 unit: measure only when it could matter.
    if (json.length > max || (json.length * 3 > max && Buffer.byteLength(json, 'utf8') > max)) out.push(i);
  }
  return out;
}

function oversizeReason(event: DeliveryEvent): string {
  return `event of ${Buffer.byteLength(event.json, 'utf8')} bytes exceeds Sumo Logic's ${sumoLogicLimits.maxEventBytes}-byte message limit`;
}
