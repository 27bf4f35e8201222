/** delivery_minutes (migration 007): per-minute counters of each destination, for GET …/timeseries. */
import type { MinuteRow } from './minute-counters.ts';
import type { DeliveryDb } from './tables.ts';

export function minuteRepo(db: DeliveryDb) {
  return {
    /** Adds each row's counters to its minute; the latency quantiles (when given) replace the minute's. */
    async add(destinationId: string, rows: readonly MinuteRow[]): Promise<void> {
      if (rows.length === 0) return;
      await db
        .insertInto('delivery_minutes')
        .values(
          rows.map((r) => ({
            destination_id: destinationId,
            minute: r.minute,
            delivered: r.delivered,
            failed: r.failed,
            retried: r.retried,
            dead_lettered: r.deadLettered,
            latency_p50_ms: r.latencyP50Ms,
            latency_p99_ms: r.latencyP99Ms,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['destination_id', 'minute']).doUpdateSet((eb) => ({
            delivered: eb('delivery_minutes.delivered', '+', eb.ref('excluded.delivered')),
            failed: eb('delivery_minutes.failed', '+', eb.ref('excluded.failed')),
            retried: eb('delivery_minutes.retried', '+', eb.ref('excluded.retried')),
            dead_lettered: eb('delivery_minutes.dead_lettered', '+', eb.ref('excluded.dead_lettered')),
            latency_p50_ms: eb.fn.coalesce('excluded.latency_p50_ms', 'delivery_minutes.latency_p50_ms'),
            latency_p99_ms: eb.fn.coalesce('excluded.latency_p99_ms', 'delivery_minutes.latency_p99_ms'),
          })),
        )
        .execute();
    },

    /** The minutes in [from, to) with anything recorded, oldest first. */
    async list(destinationId: string, from: number, to: number): Promise<MinuteRow[]> {
      const rows = await db
        .selectFrom('delivery_minutes')
        .selectAll()
        .where('destination_id', '=', destinationId)
        .where('minute', '>=', from)
        .where('minute', '<', to)
        .orderBy('minute')
        .execute();
      return rows.map((r) => ({
        minute: Number(r.minute),
        delivered: Number(r.delivered),
        failed: Number(r.failed),
        retried: Number(r.retried),
        deadLettered: Number(r.dead_lettered),
        latencyP50Ms: r.latency_p50_ms,
        latencyP99Ms: r.latency_p99_ms,
      }));
    },

    /** Retention: deletes every destination's minutes before `before`; returns how many. */
    async prune(before: number): Promise<number> {
      const r = await db.deleteFrom('delivery_minutes').where('minute', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows ?? 0);
    },

    async delete(destinationId: string): Promise<void> {
      await db.deleteFrom('delivery_minutes').where('destination_id', '=', destinationId).execute();
    },
  };
}
export type MinuteRepo = ReturnType<typeof minuteRepo>;
