import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/**
 * Fixed-window counters in the database, so a limit holds across instances sharing one PostgreSQL.
 * One upsert per call: the window resets when it has expired, else the count increments.
 */
export function rateLimitRepo(db: Kysely<Database>) {
  return {
    /** Counts one hit; returns the count in the current window and when the window ends. */
    async hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
      const windowStart = now - (now % windowMs);
      const row = await db
        .insertInto('rate_limits')
        .values({ key, window_start: windowStart, count: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            count: eb
              .case()
              .when('rate_limits.window_start', '=', windowStart)
              .then(eb('rate_limits.count', '+', 1))
              .else(1)
              .end(),
            window_start: windowStart,
          })),
        )
        .returning(['count', 'window_start'])
        .executeTakeFirstOrThrow();
      return { count: row.count, resetAt: row.window_start + windowMs };
    },
  };
}
export type RateLimitRepo = ReturnType<typeof rateLimitRepo>;
