/** The Splunk HEC connector: encode → (gzip) → guarded transport → classify → (indexer acknowledgement). */
import { randomUUID } from 'node:crypto';
import { classifyTransportError } from '../shared/classify.ts';
import { sendEncoded } from '../shared/send-request.ts';
import type { Connector, ConnectorDeps, ConnectorLimits, DeliveryEvent, DeliveryOutcome } from '../shared/types.ts';
import { createAckTracker, type AckPollAnswer, type AckResult } from './ack-tracker.ts';
import { classifyHecResponse, describeHecCode, parseHecReply } from './classify.ts';
import { DEFAULT_SOURCETYPE, hecBaseUrl, type SplunkHecConfig } from './config.ts';
import { createHecEncoder } from './encoder.ts';
import { testSplunkHec } from './health.ts';

export const splunkHecLimits: ConnectorLimits = {
  // Splunk Cloud documents 1 MB per request; Enterprise defaults far higher, so 1 MB is safe everywhere.
  maxRequestBytes: 1_000_000,
  maxEventsPerRequest: 10_000,
  maxEventBytes: 1_000_000,
};

export interface SplunkHecTuning {
  /** How often in-flight ack ids are polled (default 1 s). */
  ackPollIntervalMs?: number;
  /** How long a batch may stay unacknowledged before it is resent (default 60 s). */
  ackTimeoutMs?: number;
}

const DEFAULT_ACK_POLL_INTERVAL_MS = 1_000;
const DEFAULT_ACK_TIMEOUT_MS = 60_000;

export function createSplunkHecConnector(config: SplunkHecConfig, deps: ConnectorDeps, tuning: SplunkHecTuning = {}): Connector {
  const logger = deps.logger.child({ connector: 'splunk_hec' });
  const transportOpts = { timeoutMs: config.timeout_ms, verifySsl: config.verify_ssl };
  const encoder = createHecEncoder({
    baseUrl: hecBaseUrl(config.url),
    token: config.token,
    // One channel per connector instance: ack ids are scoped to it, and ack-enabled tokens require one.
    channel: randomUUID(),
    sourcetype: config.sourcetype ?? DEFAULT_SOURCETYPE,
    host: config.host,
    source: config.source,
    index: config.index,
    gzip: (config.compression ?? 'gzip') === 'gzip',
  });
  const ackTimeoutMs = tuning.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
  const acks = createAckTracker({
    query: queryAcks,
    now: deps.now,
    logger,
    pollIntervalMs: tuning.ackPollIntervalMs ?? DEFAULT_ACK_POLL_INTERVAL_MS,
    timeoutMs: ackTimeoutMs,
  });
  let loggedNoAckId = false;

  async function queryAcks(ackIds: number[]): Promise<AckPollAnswer> {
    let res;
    try {
      res = await sendEncoded(deps.http, encoder.ackQuery(ackIds), transportOpts);
    } catch (err) {
      return { kind: 'error', message: classifyTransportError(err).message ?? 'connection failed' };
    }
    const text = res.text();
    if (res.status === 200) {
      const acks = (safeJson(text) as { acks?: unknown } | undefined)?.acks;
      if (typeof acks === 'object' && acks !== null && !Array.isArray(acks)) {
        return { kind: 'status', acks: acks as Record<string, boolean> };
      }
      return { kind: 'error', message: 'ack status answer without an "acks" object' };
    }
    const reply = parseHecReply(text);
    if (reply?.code === 14) return { kind: 'disabled' };
    return { kind: 'error', message: reply?.code !== undefined ? `${describeHecCode(reply)}, HTTP ${res.status}` : `HTTP ${res.status}` };
  }

  async function send(events: readonly DeliveryEvent[], opts: { signal?: AbortSignal } = {}): Promise<DeliveryOutcome> {
    if (events.length === 0) return { kind: 'success', message: 'nothing to send' };
    let res;
    try {
      res = await sendEncoded(deps.http, encoder.events(events), { ...transportOpts, signal: opts.signal });
    } catch (err) {
      return classifyTransportError(err);
    }
    const text = res.text();
    const reply = parseHecReply(text);
    const outcome = classifyHecResponse({ ...res, text }, events.length, deps.now(), reply);
    if (outcome.kind !== 'success' || !config.ack) return outcome;

    if (reply?.ackId === undefined) {
      if (!loggedNoAckId) {
        loggedNoAckId = true;
        logger.warn('ack is on but Splunk HEC returned no ackId (indexer acknowledgement is off for this token): counting HTTP 200 as delivered');
      }
      return outcome;
    }
    return afterAck(await acks.wait(reply.ackId, opts.signal), reply.ackId, outcome);
  }

  function afterAck(result: AckResult, ackId: number, sent: DeliveryOutcome): DeliveryOutcome {
    switch (result) {
      case 'acked':
        return { kind: 'success', status: 200, message: `indexed (Splunk ackId ${ackId} acknowledged)` };
      case 'disabled':
        return sent;
      case 'timeout':
        // Resending may duplicate events Splunk indexed late; receivers can de-duplicate on metadata.uid.
        return {
          kind: 'retry',
          status: 200,
          message: `Splunk HEC did not acknowledge ackId ${ackId} within ${ackTimeoutMs} ms; the batch will be resent`,
        };
      case 'aborted':
      case 'closed':
        return { kind: 'retry', status: 200, message: `stopped waiting for Splunk HEC ackId ${ackId} (${result})` };
    }
  }

  return {
    type: 'splunk_hec',
    limits: splunkHecLimits,
    encode: (events) => [encoder.events(events)],
    send,
    test: (event) => testSplunkHec({ http: deps.http, encoder, transportOpts, now: deps.now }, event),
    async close() {
      acks.close();
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
