/**
 * The service's Prometheus metrics: one Registry per service (never prom-client's global one, so several
 * services in one process — tests, embedding — do not collide). A plain object of metric objects; each side of
 * the pipeline adds its own here or registers on `registry` (delivery: pipeline/delivery/delivery-metrics.ts).
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Events appended to the log (new uids). */
  eventsPublished: Counter;
  /** Events refused at publish (invalid, or for an organisation the caller may not publish to). */
  eventsRejected: Counter;
  /** Valid events whose uid was already published within the de-duplication window (accepted, not appended). */
  eventsDuplicate: Counter;
  /** One publish call: normalise + durable append. */
  publishLatency: Histogram;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    eventsPublished: new Counter({ name: 'siemstream_events_published_total', help: 'Events appended to the event log', registers }),
    eventsRejected: new Counter({ name: 'siemstream_events_rejected_total', help: 'Published events rejected as invalid or not allowed', registers }),
    eventsDuplicate: new Counter({
      name: 'siemstream_events_duplicate_total',
      help: 'Published events accepted but not appended: uid already seen within the de-duplication window',
      registers,
    }),
    publishLatency: new Histogram({
      name: 'siemstream_publish_duration_seconds',
      help: 'Time of one publish call (normalise and durable append), seconds',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}
