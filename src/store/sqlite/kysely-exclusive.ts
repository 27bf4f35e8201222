import type { Kysely } from 'kysely';

/**
 * Runs `fn` (synchronous better-sqlite3 work on the connection Kysely also uses) while holding Kysely's connection,
 * so it never runs inside a Kysely transaction that is open, awaiting between its statements.
 */
export function holdingKyselyConnection<T>(db: Kysely<any>, fn: () => T): Promise<T> {
  return db.connection().execute(async () => fn());
}
