import { sql, type Kysely } from 'kysely';
import { APPEND_LOCK_SQL } from '../postgres/event-log.ts';
import { migrationDialect, type MigrationDialect } from './dialect.ts';

/**
 * Keys that keep organisations apart.
 *
 * 1. De-duplication per organisation: event_uids is keyed by (uid, org_id), so one organisation's metadata.uid
 *    never makes another's event a duplicate. Each existing row gets the organisation of the event that wrote it:
 *    the event with that uid published at or after the row's seen_at (published_at never trails the seen_at of
 *    the append that wrote both), found in the event log, or in the dead letters when the log has pruned it.
 *    A row whose event is in neither is dropped: its organisation is unknown, and kept under any organisation it
 *    would suppress someone else's event; its own organisation re-publishing that uid within the rest of the
 *    window gets it delivered again (at-least-once; receivers de-duplicate by metadata.uid).
 *    uid leads the key so that time-ordered uids still insert at the end of the B-tree.
 * 2. One organisation per slug: organizations.slug becomes unique (and nullable). Where several organisations
 *    were recorded with one slug, the most recently recorded keeps it and the others get none until a token of
 *    theirs is seen again (repos/organizations.ts decides what a conflicting claim gets).
 *
 * Both tables are rebuilt (SQLite cannot change a primary key in place). Instances of an older version cannot
 * publish once this ran (they insert uids without an organisation): upgrade every instance together.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = migrationDialect(db);
  // Kysely runs SQLite migrations outside a transaction (PostgreSQL's inside one): one here, so a failure leaves
  // the old tables as they were.
  if (dialect === 'sqlite') await db.transaction().execute((trx) => rebuild(trx, dialect));
  else await rebuild(db, dialect);
}

async function rebuild(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  // PostgreSQL: no append (of an instance still running) commits between the copy and the drop.
  if (dialect === 'postgres') await sql.raw(APPEND_LOCK_SQL).execute(db);

  let uids = db.schema
    .createTable('event_uids_005')
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_uids_uid_org_pk', ['uid', 'org_id']);
  if (dialect === 'sqlite') uids = uids.modifyEnd(sql`without rowid`);
  await uids.execute();
  // CROSS JOIN: SQLite then scans the log once and looks each uid up by the old table's key (event_log has no uid
  // index); PostgreSQL plans it as any inner join. UNION: the log and the dead letters may both know an event.
  await sql`
    insert into event_uids_005 (uid, org_id, seen_at)
    select u.uid, l.org_id, u.seen_at from event_log l cross join event_uids u where u.uid = l.uid and l.published_at >= u.seen_at
    union
    select u.uid, d.org_id, u.seen_at from dead_letters d cross join event_uids u where u.uid = d.uid and d.published_at >= u.seen_at
  `.execute(db);
  await db.schema.dropTable('event_uids').execute();
  await db.schema.alterTable('event_uids_005').renameTo('event_uids').execute();
  await db.schema.createIndex('event_uids_seen_at').on('event_uids').column('seen_at').execute();

  await db.schema
    .createTable('organizations_005')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text')
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // updated_at is when the slug was recorded: the latest record is the best evidence of who holds it now.
  await sql`
    insert into organizations_005 (id, slug, first_seen_at, updated_at)
    select o.id,
      case when exists (
        select 1 from organizations n where n.slug = o.slug and (n.updated_at > o.updated_at or (n.updated_at = o.updated_at and n.id < o.id))
      ) then null else o.slug end,
      o.first_seen_at, o.updated_at
    from organizations o
  `.execute(db);
  await db.schema.dropTable('organizations').execute();
  await db.schema.alterTable('organizations_005').renameTo('organizations').execute();
  await db.schema.createIndex('organizations_slug').on('organizations').column('slug').unique().execute();
}
