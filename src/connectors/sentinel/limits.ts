/** Request limits of the two Sentinel APIs (protocols.md §4a/§4b, §10). */
import type { ConnectorLimits } from '../shared/types.ts';

/** Bytes `"TimeGenerated":"YYYY-MM-DDTHH:mm:ss.sssZ",` adds to each event (encoder.ts). */
export const TIME_GENERATED_SPLICE_BYTES = 43;
/** `[` and `]` around the records. */
const ARRAY_BRACKETS = 2;

/**
 * Logs Ingestion: at most 1 MB per call, compressed AND uncompressed, counting the whole body (brackets and
 * commas included — the SDK's splitter does not, and its chunks get 413s; §10). gzip can only grow a body by
 * zlib's deflateBound (< 0.04 % + 18 bytes of wrapper, ~330 bytes at 1 MB), so a body of ≤ 999,500 bytes
 * uncompressed is ≤ 1,000,000 bytes on the wire as well.
 */
export const LOGS_INGESTION_MAX_BODY_BYTES = 999_500;

/** Legacy Data Collector: 30 MB per post (the decimal reading of Microsoft's "30 MB": the stricter one). */
export const DATA_COLLECTOR_MAX_BODY_BYTES = 30_000_000;

// Batches are bounded by bytes; the count cap only keeps one request's bookkeeping reasonable.
const MAX_EVENTS_PER_REQUEST = 10_000;

export const logsIngestionLimits: ConnectorLimits = {
  maxEventsPerRequest: MAX_EVENTS_PER_REQUEST,
  maxRequestBytes: LOGS_INGESTION_MAX_BODY_BYTES,
  // One event alone must fit in one request once wrapped in [ ] with TimeGenerated spliced in.
  maxEventBytes: LOGS_INGESTION_MAX_BODY_BYTES - ARRAY_BRACKETS - TIME_GENERATED_SPLICE_BYTES,
};

export const dataCollectorLimits: ConnectorLimits = {
  maxEventsPerRequest: MAX_EVENTS_PER_REQUEST,
  maxRequestBytes: DATA_COLLECTOR_MAX_BODY_BYTES,
  maxEventBytes: DATA_COLLECTOR_MAX_BODY_BYTES - ARRAY_BRACKETS - TIME_GENERATED_SPLICE_BYTES,
};
