import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Organisations are owned by the identity platform; we record id ↔ slug on first sight (and follow renames). */
export function organizationRepo(db: Kysely<Database>) {
  return {
    async remember(id: string, slug: string, now: number): Promise<void> {
      await db
        .insertInto('organizations')
        .values({ id, slug, first_seen_at: now, updated_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ slug, updated_at: now }).where('organizations.slug', '<>', slug))
        .execute();
    },
    async get(id: string) {
      return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
    },
  };
}
