import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export type AuditAction = 'create' | 'update' | 'delete' | 'enable' | 'disable';

export interface AuditEntry {
  id: string;
  configId: string;
  orgId: string;
  actor: string;
  action: AuditAction;
  changedFields: string[];
  at: number;
}

export function auditRepo(db: Kysely<Database>) {
  return {
    async record(e: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
      const entry = { ...e, id: randomUUID() };
      await db
        .insertInto('siem_config_audit')
        .values({
          id: entry.id,
          config_id: e.configId,
          org_id: e.orgId,
          actor: e.actor,
          action: e.action,
          changed_fields: JSON.stringify(e.changedFields),
          at: e.at,
        })
        .execute();
      return entry;
    },
    /** Oldest first; kept after the config is deleted (audit outlives its subject). */
    async list(orgId: string, configId: string): Promise<AuditEntry[]> {
      const rows = await db
        .selectFrom('siem_config_audit')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('config_id', '=', configId)
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        configId: r.config_id,
        orgId: r.org_id,
        actor: r.actor,
        action: r.action as AuditAction,
        changedFields: JSON.parse(r.changed_fields) as string[],
        at: r.at,
      }));
    },
  };
}
export type AuditRepo = ReturnType<typeof auditRepo>;
