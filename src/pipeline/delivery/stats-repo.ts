/** Per-destination delivery counters (cumulative) and the latest latency figures, for GET …/stats. */
import type { MinuteRow } from './minute-counters.ts';
import { minuteRepo } from './minute-repo.ts';
import type { DeliveryDb } from './tables.ts';

export interface StatsDelta {
  delivered: number;
  failed: number;
  retried: number;
  deadLettered: number;
  lastLatencyMs: number | null;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

export interface StoredStats extends StatsDelta {
  updatedAt: number;
}

export function statsRepo(db: DeliveryDb) {
  const minutes = minuteRepo(db);
  return {
    /** Adds the counters and replaces the latency figures (when given) in one upsert. */
    async add(destinationId: string, d: StatsDelta, now: number): Promise<void> {
      await db
        .insertInto('delivery_stats')
        .values({
          destination_id: destinationId,
          delivered: d.delivered,
          failed: d.failed,
          retried: d.retried,
          dead_lettered: d.deadLettered,
          last_latency_ms: d.lastLatencyMs,
          latency_p50_ms: d.latencyP50Ms,
          latency_p99_ms: d.latencyP99Ms,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.column('destination_id').doUpdateSet((eb) => ({
            delivered: eb('delivery_stats.delivered', '+', eb.ref('excluded.delivered')),
            failed: eb('delivery_stats.failed', '+', eb.ref('excluded.failed')),
            retried: eb('delivery_stats.retried', '+', eb.ref('excluded.retried')),
            dead_lettered: eb('delivery_stats.dead_lettered', '+', eb.ref('excluded.dead_lettered')),
            last_latency_ms: eb.fn.coalesce('excluded.last_latency_ms', 'delivery_stats.last_latency_ms'),
            latency_p50_ms: eb.fn.coalesce('excluded.latency_p50_ms', 'delivery_stats.latency_p50_ms'),
            latency_p99_ms: eb.fn.coalesce('excluded.latency_p99_ms', 'delivery_stats.latency_p99_ms'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    },

    async get(destinationId: string): Promise<StoredStats | undefined> {
      const r = await db.selectFrom('delivery_stats').selectAll().where('destination_id', '=', destinationId).executeTakeFirst();
      if (!r) return undefined;
      return {
        delivered: Number(r.delivered),
        failed: Number(r.failed),
        retried: Number(r.retried),
        deadLettered: Number(r.dead_lettered),
        lastLatencyMs: r.last_latency_ms,
        latencyP50Ms: r.latency_p50_ms,
        latencyP99Ms: r.latency_p99_ms,
        updatedAt: Number(r.updated_at),
      };
    },

    /** Adds to the per-minute series (the charts'): one upsert for the minutes of one flush. */
    addMinutes(destinationId: string, rows: readonly MinuteRow[]): Promise<void> {
      return minutes.add(destinationId, rows);
    },

    /** The per-minute series of [from, to): minutes with nothing recorded are absent. */
    minutes(destinationId: string, from: number, to: number): Promise<MinuteRow[]> {
      return minutes.list(destinationId, from, to);
    },

    /** Retention of the per-minute series (every destination's minutes before `before`). */
    pruneMinutes(before: number): Promise<number> {
      return minutes.prune(before);
    },

    async delete(destinationId: string): Promise<void> {
      await db.deleteFrom('delivery_stats').where('destination_id', '=', destinationId).execute();
      await minutes.delete(destinationId);
    },
  };
}
export type StatsRepo = ReturnType<typeof statsRepo>;
