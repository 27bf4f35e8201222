/** Persistence of SIEM configs. Secrets arrive here already encrypted (src/siem-configs/secrets.ts). */
import type { Kysely, Selectable } from 'kysely';
import type { Database, SiemConfigsTable } from '../database.ts';

export type DeliveryStatus = 'healthy' | 'degraded' | 'error' | 'not_configured' | 'paused';
export type TestResult = 'success' | 'failure';

export interface SiemConfigRecord {
  id: string;
  orgId: string;
  name: string;
  connectorType: string;
  /** Connector config with secret fields as ciphertexts. */
  config: Record<string, unknown>;
  batchSize: number;
  enabled: boolean;
  filterClassUids: number[] | null;
  filterMinSeverity: number | null;
  deliveryStatus: DeliveryStatus;
  failureCount: number;
  lastDeliveryAt: number | null;
  lastSuccessfulBatchAt: number | null;
  lastError: string | null;
  /** The last connection test; a test is not a delivery, so it never sets lastDeliveryAt / lastSuccessfulBatchAt. */
  lastTestAt: number | null;
  lastTestResult: TestResult | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** Fields the API may change. */
export type SiemConfigPatch = Partial<
  Pick<SiemConfigRecord, 'name' | 'connectorType' | 'config' | 'batchSize' | 'enabled' | 'filterClassUids' | 'filterMinSeverity' | 'deliveryStatus'>
>;

/**
 * Fields the delivery side and connection tests change (only tests set lastTestAt / lastTestResult).
 * `failuresAdded` adds to failure_count (after `failureCount` when both are given): a delivery worker and
 * connection tests (on any instance) both count consecutive failures, and neither may overwrite the other's.
 */
export type DeliveryStatePatch = Partial<
  Pick<SiemConfigRecord, 'deliveryStatus' | 'failureCount' | 'lastDeliveryAt' | 'lastSuccessfulBatchAt' | 'lastError' | 'lastTestAt' | 'lastTestResult'>
> & { failuresAdded?: number };

export function toRecord(row: Selectable<SiemConfigsTable>): SiemConfigRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    connectorType: row.connector_type,
    config: JSON.parse(row.config) as Record<string, unknown>,
    batchSize: row.batch_size,
    enabled: row.enabled === 1,
    filterClassUids: row.filter_class_uids ? (JSON.parse(row.filter_class_uids) as number[]) : null,
    filterMinSeverity: row.filter_min_severity,
    deliveryStatus: row.delivery_status as DeliveryStatus,
    failureCount: row.failure_count,
    lastDeliveryAt: row.last_delivery_at,
    lastSuccessfulBatchAt: row.last_successful_batch_at,
    lastError: row.last_error,
    lastTestAt: row.last_test_at,
    lastTestResult: row.last_test_result as TestResult | null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

function patchToRow(p: SiemConfigPatch & DeliveryStatePatch): Partial<SiemConfigsTable> {
  const row: Partial<SiemConfigsTable> = {};
  if (p.name !== undefined) row.name = p.name;
  if (p.connectorType !== undefined) row.connector_type = p.connectorType;
  if (p.config !== undefined) row.config = JSON.stringify(p.config);
  if (p.batchSize !== undefined) row.batch_size = p.batchSize;
  if (p.enabled !== undefined) row.enabled = p.enabled ? 1 : 0;
  if (p.filterClassUids !== undefined) row.filter_class_uids = p.filterClassUids ? JSON.stringify(p.filterClassUids) : null;
  if (p.filterMinSeverity !== undefined) row.filter_min_severity = p.filterMinSeverity;
  if (p.deliveryStatus !== undefined) row.delivery_status = p.deliveryStatus;
  if (p.failureCount !== undefined) row.failure_count = p.failureCount;
  if (p.lastDeliveryAt !== undefined) row.last_delivery_at = p.lastDeliveryAt;
  if (p.lastSuccessfulBatchAt !== undefined) row.last_successful_batch_at = p.lastSuccessfulBatchAt;
  if (p.lastError !== undefined) row.last_error = p.lastError;
  if (p.lastTestAt !== undefined) row.last_test_at = p.lastTestAt;
  if (p.lastTestResult !== undefined) row.last_test_result = p.lastTestResult;
  return row;
}

export function siemConfigRepo(db: Kysely<Database>) {
  return {
    async insert(r: SiemConfigRecord): Promise<void> {
      await db
        .insertInto('siem_configs')
        .values({
          id: r.id,
          org_id: r.orgId,
          name: r.name,
          connector_type: r.connectorType,
          config: JSON.stringify(r.config),
          batch_size: r.batchSize,
          enabled: r.enabled ? 1 : 0,
          filter_class_uids: r.filterClassUids ? JSON.stringify(r.filterClassUids) : null,
          filter_min_severity: r.filterMinSeverity,
          delivery_status: r.deliveryStatus,
          failure_count: r.failureCount,
          last_delivery_at: r.lastDeliveryAt,
          last_successful_batch_at: r.lastSuccessfulBatchAt,
          last_error: r.lastError,
          last_test_at: r.lastTestAt,
          last_test_result: r.lastTestResult,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
          version: r.version,
        })
        .execute();
    },

    /** The config if it belongs to the org (another org's config is indistinguishable from a missing one). */
    async get(orgId: string, id: string): Promise<SiemConfigRecord | undefined> {
      const row = await db.selectFrom('siem_configs').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async getById(id: string): Promise<SiemConfigRecord | undefined> {
      const row = await db.selectFrom('siem_configs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    /** Newest first. */
    async listByOrg(orgId: string): Promise<SiemConfigRecord[]> {
      const rows = await db
        .selectFrom('siem_configs')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toRecord);
    },

    async listAll(): Promise<SiemConfigRecord[]> {
      const rows = await db.selectFrom('siem_configs').selectAll().orderBy('created_at').execute();
      return rows.map(toRecord);
    },

    /** API change: bumps version and updated_at. Returns the new record, or undefined when missing. */
    async update(orgId: string, id: string, patch: SiemConfigPatch, now: number): Promise<SiemConfigRecord | undefined> {
      const result = await db
        .updateTable('siem_configs')
        .set((eb) => ({ ...patchToRow(patch), updated_at: now, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      return this.get(orgId, id);
    },

    /** Delivery/test state change: does not bump version (workers need not reload). */
    async updateDeliveryState(id: string, patch: DeliveryStatePatch): Promise<void> {
      const row = patchToRow(patch);
      const added = patch.failuresAdded ?? 0;
      if (Object.keys(row).length === 0 && added === 0) return;
      await db
        .updateTable('siem_configs')
        .set((eb) => {
          if (added === 0) return row;
          if (patch.failureCount !== undefined) return { ...row, failure_count: patch.failureCount + added };
          // Atomic: another writer's increment between a read and this write is never lost.
          return { ...row, failure_count: eb('failure_count', '+', added) };
        })
        .where('id', '=', id)
        .execute();
    },

    /** Increments failure_count atomically and records the error. */
    async recordFailure(id: string, patch: Omit<DeliveryStatePatch, 'failureCount' | 'failuresAdded'>): Promise<void> {
      await this.updateDeliveryState(id, { ...patch, failuresAdded: 1 });
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('siem_configs').where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** For key rotation: raw config texts. */
    async listConfigTexts(): Promise<{ id: string; config: string }[]> {
      return db.selectFrom('siem_configs').select(['id', 'config']).execute();
    },

    /** For key rotation: replace the config text only if it did not change meanwhile (no lost update). */
    async replaceConfigText(id: string, expected: string, next: string): Promise<boolean> {
      const r = await db.updateTable('siem_configs').set({ config: next }).where('id', '=', id).where('config', '=', expected).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
export type SiemConfigRepo = ReturnType<typeof siemConfigRepo>;
