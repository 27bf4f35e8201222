/**
 * Prometheus metrics of delivery, per destination (label `destination` = the destination id: a config uuid or
 * `registry:<connector_id>`; never a secret). Registered on the service's registry (src/pipeline/metrics.ts).
 *
 * - siemstream_events_delivered_total / _retried_total / _dead_lettered_total (counters)
 * - siemstream_delivery_latency_seconds (histogram): publish (202) → acknowledged by the SIEM, per event
 * - siemstream_destination_backlog_events / _backlog_age_seconds (gauges, computed at scrape time): events not yet
 *   settled for the destination, and the age of the oldest of them.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { BulkHistogram } from './bulk-histogram.ts';

export interface DestinationMetrics {
  delivered(n: number): void;
  retried(n: number): void;
  deadLettered(n: number): void;
  /** Publish → ack latency of `count` delivered events (default 1) that share it. */
  latency(seconds: number, count?: number): void;
}

export interface BacklogFigure {
  destinationId: string;
  events: number;
  ageSeconds: number;
}

export interface DeliveryMetrics {
  forDestination(destinationId: string): DestinationMetrics;
  /** Drops a destination's series (deleted destination). */
  remove(destinationId: string): void;
  /** Where the backlog gauges get their figures at scrape time (the engine). */
  setBacklogProvider(provider: () => Promise<BacklogFigure[]>): void;
}

export const LATENCY_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600];

export function createDeliveryMetrics(registry: Registry): DeliveryMetrics {
  const labelNames = ['destination'] as const;
  const delivered = new Counter({ name: 'siemstream_events_delivered_total', help: 'Events acknowledged by the destination', labelNames, registers: [registry] });
  const retried = new Counter({ name: 'siemstream_events_retried_total', help: 'Events sent again after a failed attempt', labelNames, registers: [registry] });
  const deadLettered = new Counter({ name: 'siemstream_events_dead_lettered_total', help: 'Events moved to the dead-letter store', labelNames, registers: [registry] });
  const latency = new BulkHistogram(
    'siemstream_delivery_latency_seconds',
    'Publish (202) to acknowledgement by the destination, per event',
    'destination',
    LATENCY_BUCKETS_SECONDS,
    registry,
  );
  let provider: (() => Promise<BacklogFigure[]>) | undefined;
  let figures: Promise<BacklogFigure[]> | undefined;
  // Both gauges are filled from one provider call per scrape.
  const scrape = () => (figures ??= (provider?.() ?? Promise.resolve([])).finally(() => setImmediate(() => (figures = undefined))));
  new Gauge({
    name: 'siemstream_destination_backlog_events',
    help: 'Events published for the destination and not yet delivered or dead-lettered',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const f of await scrape()) this.set({ destination: f.destinationId }, f.events);
    },
  });
  new Gauge({
    name: 'siemstream_destination_backlog_age_seconds',
    help: 'Age of the oldest event not yet delivered to the destination (0 when none)',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const f of await scrape()) this.set({ destination: f.destinationId }, f.ageSeconds);
    },
  });

  return {
    forDestination(destinationId) {
      const labels = { destination: destinationId };
      // Bound children: no label hashing per batch.
      const d = delivered.labels(labels);
      const r = retried.labels(labels);
      const dl = deadLettered.labels(labels);
      const l = latency.labels(destinationId);
      return {
        delivered: (n) => d.inc(n),
        retried: (n) => r.inc(n),
        deadLettered: (n) => dl.inc(n),
        latency: (s, count) => l.observe(s, count),
      };
    },
    remove(destinationId) {
      const labels = { destination: destinationId };
      for (const m of [delivered, retried, deadLettered]) m.remove(labels);
      latency.remove(destinationId);
    },
    setBacklogProvider(p) {
      provider = p;
    },
  };
}

/** For engines run without Prometheus (tests, tools). */
export const noDeliveryMetrics: DeliveryMetrics = {
  forDestination: () => ({ delivered() {}, retried() {}, deadLettered() {}, latency() {} }),
  remove() {},
  setBacklogProvider() {},
};
