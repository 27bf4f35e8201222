/**
 * The Sentinel connector: encode → (gzip) → guarded transport → classify, in whichever form the config uses.
 * Never throws for delivery failures.
 */
import { classifyTransportError } from '../shared/classify.ts';
import { sendEncoded } from '../shared/send-request.ts';
import type {
  Connector,
  ConnectorDeps,
  ConnectorLimits,
  Deliver,
  DeliveryEvent,
  DeliveryOutcome,
  EncodedRequest,
  HttpResponse,
} from '../shared/types.ts';
import { classifyDataCollectorResponse, classifyLogsIngestionResponse } from './classify.ts';
import { resolveSentinelSettings, type DataCollectorSettings, type LogsIngestionSettings, type SentinelConfig } from './config.ts';
import { encodeDataCollectorRequest, encodeLogsIngestionRequest } from './encoder.ts';
import { testDataCollectorConnection, testLogsIngestionConnection } from './health.ts';
import { dataCollectorLimits, logsIngestionLimits } from './limits.ts';
import { createTokenCache } from './token-cache.ts';

/** Shown by `encode()` (previews) before any token was fetched; `send` always uses a real one. */
const TOKEN_PLACEHOLDER = '<Entra ID access token>';

interface TransportOptions {
  timeoutMs?: number;
  verifySsl?: boolean;
}

export function createSentinelConnector(config: SentinelConfig, deps: ConnectorDeps): Connector {
  const settings = resolveSentinelSettings(config);
  const transport: TransportOptions = { timeoutMs: config.timeout_ms, verifySsl: config.verify_ssl };
  return settings.form === 'logs_ingestion'
    ? createLogsIngestionConnector(settings, deps, transport)
    : createDataCollectorConnector(settings, deps, transport);
}

function createLogsIngestionConnector(settings: LogsIngestionSettings, deps: ConnectorDeps, transport: TransportOptions): Connector {
  const tokens = createTokenCache({ http: deps.http, settings, now: deps.now, onToken: deps.noteSecret, ...transport });

  const deliver: Deliver = async (events, signal) => {
    if (events.length === 0) return { kind: 'success', message: 'no events' };
    const req = encodeLogsIngestionRequest(events, settings, TOKEN_PLACEHOLDER);
    const over = overLimits(req, logsIngestionLimits, 'the Logs Ingestion API');
    if (over) return over;
    // A 401 means the cached token was revoked or expired early: fetch a new one and try once more.
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.get();
      if (!token.ok) return token.outcome;
      const sent = await post(deps, withBearer(req, token.token), transport, signal);
      if ('outcome' in sent) return sent.outcome;
      if (sent.res.status === 401 && attempt === 0) {
        tokens.invalidate(token.token);
        continue;
      }
      return classifyLogsIngestionResponse(sent.res, deps.now());
    }
  };

  return {
    type: 'sentinel',
    limits: logsIngestionLimits,
    encode: (events) => [encodeLogsIngestionRequest(events, settings, tokens.peek() ?? TOKEN_PLACEHOLDER)],
    send: (events, opts) => deliver(events, opts?.signal),
    test: (event) => testLogsIngestionConnection({ tokens, deliver }, event),
    // The transport belongs to deps (shared by every connector); nothing of our own to release.
    async close() {},
  };
}

function createDataCollectorConnector(settings: DataCollectorSettings, deps: ConnectorDeps, transport: TransportOptions): Connector {
  const deliver: Deliver = async (events, signal) => {
    if (events.length === 0) return { kind: 'success', message: 'no events' };
    // Signed at send time: the x-ms-date must be within Azure's clock-skew window.
    const req = encodeDataCollectorRequest(events, settings, deps.now());
    const over = overLimits(req, dataCollectorLimits, 'the Data Collector API');
    if (over) return over;
    const sent = await post(deps, req, transport, signal);
    return 'outcome' in sent ? sent.outcome : classifyDataCollectorResponse(sent.res, deps.now());
  };

  return {
    type: 'sentinel',
    limits: dataCollectorLimits,
    encode: (events) => [encodeDataCollectorRequest(events, settings, deps.now())],
    send: (events, opts) => deliver(events, opts?.signal),
    test: (event) => testDataCollectorConnection(deliver, event),
    async close() {},
  };
}

/** The response, or the outcome of a failure below HTTP. */
async function post(
  deps: ConnectorDeps,
  req: EncodedRequest,
  transport: TransportOptions,
  signal: AbortSignal | undefined,
): Promise<{ res: HttpResponse } | { outcome: DeliveryOutcome }> {
  try {
    return { res: await sendEncoded(deps.http, req, { ...transport, signal }) };
  } catch (err) {
    return { outcome: classifyTransportError(err) };
  }
}

function withBearer(req: EncodedRequest, token: string): EncodedRequest {
  return { ...req, headers: { ...req.headers, Authorization: `Bearer ${token}` } };
}

/** The pipeline batches within limits; a batch that still exceeds them would only earn a 413 (or worse, a 404). */
function overLimits(req: EncodedRequest, limits: ConnectorLimits, api: string): DeliveryOutcome | undefined {
  if (req.eventCount <= limits.maxEventsPerRequest && req.body.length <= limits.maxRequestBytes) return undefined;
  return {
    kind: 'too-large',
    message:
      `batch of ${req.eventCount} events (${req.body.length} bytes) exceeds ${api} limits ` +
      `(${limits.maxEventsPerRequest} events, ${limits.maxRequestBytes} bytes per request)`,
  };
}
