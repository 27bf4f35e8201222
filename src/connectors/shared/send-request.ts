/** The common send path of every HTTP connector: compress (when asked) and transmit through the guarded transport. */
import { classifyHttpStatus, classifyTransportError } from './classify.ts';
import { finalizeBody } from './compression.ts';
import type { ConnectorLimits, DeliveryOutcome, EncodedRequest, HttpResponse, HttpTransport } from './types.ts';

export interface SendOptions {
  timeoutMs?: number;
  verifySsl?: boolean;
  signal?: AbortSignal;
}

export async function sendEncoded(http: HttpTransport, req: EncodedRequest, opts: SendOptions = {}): Promise<HttpResponse> {
  const { headers, body } = await finalizeBody(req);
  return http.request({
    method: req.method,
    url: req.url,
    headers,
    body,
    timeoutMs: opts.timeoutMs,
    verifySsl: opts.verifySsl,
    signal: opts.signal,
  });
}

/**
 * Send → classify, the sender step every HTTP connector shares: transport failures become outcomes
 * (classifyTransportError), a response goes to the connector's classifier.
 */
export async function sendAndClassify(
  http: HttpTransport,
  req: EncodedRequest,
  opts: SendOptions,
  classify: (res: HttpResponse) => DeliveryOutcome,
): Promise<DeliveryOutcome> {
  let res: HttpResponse;
  try {
    res = await sendEncoded(http, req, opts);
  } catch (err) {
    return classifyTransportError(err);
  }
  return classify(res);
}

/** The generic status table (shared/classify.ts) as a response classifier. */
export const genericClassifier =
  (now: () => number) =>
  (res: HttpResponse): DeliveryOutcome =>
    classifyHttpStatus({ status: res.status, statusText: res.statusText, headers: res.headers, text: res.text() }, now());

/**
 * The pipeline batches within a connector's limits; a request that still exceeds them would only earn a 413,
 * so it is answered `too-large` (split) without being sent.
 */
export function exceedsLimits(req: EncodedRequest, limits: ConnectorLimits, unit = 'events'): DeliveryOutcome | undefined {
  if (req.eventCount <= limits.maxEventsPerRequest && req.body.length <= limits.maxRequestBytes) return undefined;
  return {
    kind: 'too-large',
    message: `batch of ${req.eventCount} ${unit} (${req.body.length} bytes) exceeds the connector's limits (${limits.maxEventsPerRequest} ${unit}, ${limits.maxRequestBytes} bytes)`,
  };
}
