/**
 * An auditor inside the database, independent of the code under test: triggers record every write to
 * delivery_cursors and every delivery-state write to siem_configs, together with the lease row
 * (destination_leases owner, token) as it stands at that moment. The writer holds that row share-locked while it
 * writes (fencing.ts), so "the lease at that moment" is exactly the tenure the write must belong to.
 *
 * - Cursor writes name their tenure in the row itself (lease_owner, lease_token).
 * - A delivery-state write is an UPDATE of siem_configs that leaves `version` alone (the config API bumps it);
 *   its tenure is the transaction setting `siemstream.lease` ('<owner>:<token>', fencing.ts withLease), null
 *   when the write was not made under a lease.
 */
import type pg from 'pg';

const INSTALL = `
create table audit_cursor_writes (
  id bigserial primary key,
  op text not null,
  destination_id text not null,
  old_position bigint, new_position bigint,
  old_token bigint, new_token bigint,
  writer text,
  lease_owner text, lease_token bigint
);
create function audit_cursor_write() returns trigger language plpgsql as $$
declare
  l record;
  dest text := case when tg_op = 'DELETE' then old.destination_id else new.destination_id end;
begin
  select owner, token into l from destination_leases where destination_id = dest;
  insert into audit_cursor_writes (op, destination_id, old_position, new_position, old_token, new_token, writer, lease_owner, lease_token)
  values (
    tg_op, dest,
    case when tg_op <> 'INSERT' then old.position end, case when tg_op <> 'DELETE' then new.position end,
    case when tg_op <> 'INSERT' then old.lease_token end, case when tg_op <> 'DELETE' then new.lease_token end,
    case when tg_op <> 'DELETE' then new.lease_owner end,
    l.owner, l.token
  );
  return null;
end $$;
create trigger audit_cursor_write after insert or update or delete on delivery_cursors
  for each row execute function audit_cursor_write();

create table audit_state_writes (
  id bigserial primary key,
  destination_id text not null,
  tenure text,
  lease_owner text, lease_token bigint,
  delivery_status text
);
create function audit_state_write() returns trigger language plpgsql as $$
declare l record;
begin
  if new.version = old.version then
    select owner, token into l from destination_leases where destination_id = new.id;
    insert into audit_state_writes (destination_id, tenure, lease_owner, lease_token, delivery_status)
    values (new.id, nullif(current_setting('siemstream.lease', true), ''), l.owner, l.token, new.delivery_status);
  end if;
  return null;
end $$;
create trigger audit_state_write after update on siem_configs
  for each row execute function audit_state_write();
`;

export async function installWriteAudit(db: pg.Pool): Promise<void> {
  await db.query(INSTALL);
}

export interface WriteAuditReport {
  cursorWrites: number;
  stateWrites: number;
  /** Cursor updates that moved a position back, or to an older tenure. */
  backwards: unknown[];
  /** Cursor writes whose tenure was not the lease holder's at that moment. */
  staleCursorWrites: unknown[];
  cursorDeletes: number;
  /** Delivery-state writes made outside the lease holder's tenure (or without a lease at all). */
  staleStateWrites: unknown[];
  /** Distinct writers of cursors (instance ids). */
  cursorWriters: string[];
}

export async function readWriteAudit(db: pg.Pool): Promise<WriteAuditReport> {
  const q = async (text: string) => (await db.query(text)).rows;
  const [counts] = await q(`select
      (select count(*)::int from audit_cursor_writes) as cursor_writes,
      (select count(*)::int from audit_cursor_writes where op = 'DELETE') as cursor_deletes,
      (select count(*)::int from audit_state_writes) as state_writes`);
  return {
    cursorWrites: counts.cursor_writes,
    cursorDeletes: counts.cursor_deletes,
    stateWrites: counts.state_writes,
    backwards: await q(`select * from audit_cursor_writes where op = 'UPDATE' and (new_position < old_position or new_token < old_token)`),
    staleCursorWrites: await q(
      `select * from audit_cursor_writes where op <> 'DELETE' and (writer is distinct from lease_owner or new_token is distinct from lease_token)`,
    ),
    staleStateWrites: await q(`select * from audit_state_writes where tenure is distinct from lease_owner || ':' || lease_token`),
    cursorWriters: (await q(`select distinct writer from audit_cursor_writes where writer is not null order by writer`)).map((r) => r.writer),
  };
}
