/** Sumo Logic HTTP source limits (protocols.md §5). */
import type { ConnectorLimits } from '../shared/types.ts';

export const sumoLogicLimits: ConnectorLimits = {
  // Bytes bound the batch; the count cap only keeps one request's bookkeeping reasonable.
  maxEventsPerRequest: 10_000,
  // "up to but not exceeding 1MB of uncompressed data" per request: the decimal reading, the stricter one.
  maxRequestBytes: 1_000_000,
  // Sumo splits or truncates longer messages (64 KB is the commonly cited per-message maximum, protocols.md §5
  // [UNVERIFIED]); a longer event would arrive broken, so it is rejected (dead-lettered) instead.
  maxEventBytes: 64 * 1024,
};
