import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { isUniqueViolation } from '../unique-violation.ts';

/** What became of a claim org_id ↔ org_slug. */
export type OrgClaim = 'recorded' | 'slug-taken';

const SLUG_INDEX = { name: 'organizations_slug', table: 'organizations', columns: ['slug'] } as const;

/**
 * Organisations are owned by the identity platform; we record id ↔ slug on first sight and follow renames.
 * A slug belongs to one organisation at a time (a unique index, so concurrent first sights on any number of
 * instances cannot both win): a claim of a slug recorded for another organisation is 'slug-taken' and changes
 * nothing. The slug is free again once its holder is seen with another one (a rename).
 */
export function organizationRepo(db: Kysely<Database>) {
  return {
    async remember(id: string, slug: string, now: number): Promise<OrgClaim> {
      try {
        await db
          .insertInto('organizations')
          .values({ id, slug, first_seen_at: now, updated_at: now })
          .onConflict((oc) =>
            oc
              .column('id')
              .doUpdateSet({ slug, updated_at: now })
              .where((eb) => eb.or([eb('organizations.slug', 'is', null), eb('organizations.slug', '<>', slug)])),
          )
          .execute();
        return 'recorded';
      } catch (err) {
        if (isUniqueViolation(err, SLUG_INDEX)) return 'slug-taken';
        throw err;
      }
    },
    async get(id: string) {
      return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
    },
  };
}
