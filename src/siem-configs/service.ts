/**
 * SIEM config management, shared by both API surfaces: validation, secret encryption, audit, change events.
 * Surfaces only translate shapes (projections.ts, authos-mapping.ts); every rule lives here once.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { connectorCatalog, isConnectorType } from '../connectors/catalog.ts';
import type { ConnectorDefinition, ConnectorType } from '../connectors/shared/types.ts';
import { ValidationError, notFound } from '../errors.ts';
import type { EgressGuard } from '../security/egress-guard.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { AuditEntry, AuditRepo } from '../store/repos/audit.ts';
import type { SiemConfigPatch, SiemConfigRecord, SiemConfigRepo } from '../store/repos/siem-configs.ts';
import { precheckEgress } from './egress-precheck.ts';
import { explainKeptSecrets, resolveSecrets } from './secret-reentry.ts';
import { decryptSecrets, describeUnavailable, encryptSecrets, type OpenedConfig } from './secrets.ts';
import { validateConnectorConfig } from './validation.ts';
import { wellFormedTextIssues } from './well-formed-text.ts';

export interface ConfigFilters {
  classUids: number[] | null;
  minSeverity: number | null;
}

export interface CreateConfigInput {
  name?: string;
  connectorType: ConnectorType;
  config: Record<string, unknown>;
  batchSize?: number;
  enabled?: boolean;
  filters?: Partial<ConfigFilters>;
}

export interface UpdateConfigInput {
  name?: string;
  connectorType?: ConnectorType;
  /** Replaces the whole config. */
  config?: Record<string, unknown>;
  batchSize?: number;
  enabled?: boolean;
  filters?: Partial<ConfigFilters>;
}

export interface ConfigChange {
  kind: 'created' | 'updated' | 'deleted';
  id: string;
  orgId: string;
}

export interface Actor {
  sub: string;
  orgId: string;
}

export interface SiemConfigServiceDeps {
  repo: SiemConfigRepo;
  audit: AuditRepo;
  box: SecretBox;
  /** Checks a saved config's targets against the egress policy (egress-precheck.ts); absent: no check. */
  egress?: EgressGuard;
  now?: () => number;
}

/**
 * A created or updated config, with what the egress policy doubts about its targets: said in the answer to the
 * save, never stored.
 */
export type SavedConfig = SiemConfigRecord & { saveWarnings: string[] };

export class SiemConfigService {
  /** Emits 'change' (ConfigChange) after every committed create/update/delete. */
  readonly changes = new EventEmitter();
  private readonly now: () => number;

  constructor(private readonly deps: SiemConfigServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async list(orgId: string): Promise<SiemConfigRecord[]> {
    return this.deps.repo.listByOrg(orgId);
  }

  /** Every organisation's configs, oldest first: the operator's view (GET /api/admin/siem/streams). */
  async listAll(): Promise<SiemConfigRecord[]> {
    return this.deps.repo.listAll();
  }

  async get(orgId: string, id: string): Promise<SiemConfigRecord> {
    const r = await this.deps.repo.get(orgId, id);
    if (!r) throw notFound('SIEM config not found');
    return r;
  }

  /** The config with its secrets decrypted, and the secret fields that could not be (left out). */
  openConfig(r: SiemConfigRecord): OpenedConfig {
    const def = connectorCatalog[r.connectorType as ConnectorType];
    return def ? decryptSecrets(def, r.id, r.config, this.deps.box) : { config: r.config, unavailable: [] };
  }

  /**
   * The config with secrets decrypted (API responses that reveal, connection tests, delivery); a secret that
   * cannot be decrypted is left out (see openConfig, and `warnings`).
   */
  decryptedConfig(r: SiemConfigRecord): Record<string, unknown> {
    return this.openConfig(r).config;
  }

  /** The connector's notices, and one per stored secret that cannot be decrypted. */
  warnings(r: SiemConfigRecord): string[] {
    const def = connectorCatalog[r.connectorType as ConnectorType];
    const unavailable = this.openConfig(r).unavailable.map((u) => `config.${describeUnavailable(u)}`);
    return [...unavailable, ...(def?.warnings?.(r.config) ?? [])];
  }

  async create(actor: Actor, input: CreateConfigInput): Promise<SavedConfig> {
    assertWellFormedName(input.name);
    const config = prepareConfig(input.connectorType, input.config, undefined);
    const def = connectorCatalog[input.connectorType];
    const warnings = await this.precheckEgress(def, config);
    const now = this.now();
    const id = randomUUID();
    const enabled = input.enabled ?? true;
    const record: SiemConfigRecord = {
      id,
      orgId: actor.orgId,
      name: input.name ?? `${def.displayName}`,
      connectorType: input.connectorType,
      config: encryptSecrets(def, id, config, this.deps.box),
      batchSize: input.batchSize ?? 100,
      enabled,
      filterClassUids: input.filters?.classUids ?? null,
      filterMinSeverity: input.filters?.minSeverity ?? null,
      deliveryStatus: enabled ? 'healthy' : 'paused',
      failureCount: 0,
      lastDeliveryAt: null,
      lastSuccessfulBatchAt: null,
      lastError: null,
      lastTestAt: null,
      lastTestResult: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await this.deps.repo.insert(record);
    await this.deps.audit.record({
      configId: id,
      orgId: actor.orgId,
      actor: actor.sub,
      action: 'create',
      changedFields: ['name', 'connector_type', 'batch_size', 'enabled', 'filters', ...Object.keys(config).map((k) => `config.${k}`)],
      at: now,
    });
    this.changes.emit('change', { kind: 'created', id, orgId: actor.orgId } satisfies ConfigChange);
    return { ...record, saveWarnings: warnings };
  }

  async update(actor: Actor, id: string, input: UpdateConfigInput): Promise<SavedConfig> {
    const current = await this.get(actor.orgId, id);
    const type = input.connectorType ?? (current.connectorType as ConnectorType);
    const typeChanged = type !== current.connectorType;
    assertWellFormedName(input.name);
    if (typeChanged) assertValid(type, input.config ?? {}, { typeOnly: true });
    if (typeChanged && input.config === undefined) {
      throw new ValidationError([{ loc: ['body', 'config'], msg: 'A new config is required when connector_type changes', type: 'missing' }]);
    }
    const changed: string[] = [];
    const patch: SiemConfigPatch = {};
    let warnings: string[] = [];
    if (input.name !== undefined && input.name !== current.name) (patch.name = input.name), changed.push('name');
    if (typeChanged) (patch.connectorType = type), changed.push('connector_type');
    if (input.batchSize !== undefined && input.batchSize !== current.batchSize) (patch.batchSize = input.batchSize), changed.push('batch_size');
    if (input.filters) {
      const classUids = input.filters.classUids !== undefined ? input.filters.classUids : current.filterClassUids;
      const minSeverity = input.filters.minSeverity !== undefined ? input.filters.minSeverity : current.filterMinSeverity;
      if (JSON.stringify(classUids) !== JSON.stringify(current.filterClassUids) || minSeverity !== current.filterMinSeverity) {
        patch.filterClassUids = classUids;
        patch.filterMinSeverity = minSeverity;
        changed.push('filters');
      }
    }
    if (input.config !== undefined) {
      // Nothing of another connector type's config is kept.
      const stored = typeChanged ? undefined : this.openConfig(current);
      const config = prepareConfig(type, input.config, stored);
      const def = connectorCatalog[type];
      const before = stored?.config ?? {};
      const keys = new Set([...Object.keys(before), ...Object.keys(config)]);
      const configChanged = [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(config[k]));
      // An undecryptable secret replaced or removed is a change even though its old value is unknown.
      for (const u of stored?.unavailable ?? []) if (!configChanged.includes(u.field)) configChanged.push(u.field);
      if (configChanged.length > 0 || typeChanged) {
        // Only a new destination deserves a new verdict (an old config's target is not checked again on every edit).
        if (typeChanged || configChanged.some((k) => def.destinationFields.includes(k))) warnings = await this.precheckEgress(def, config);
        patch.config = encryptSecrets(def, id, config, this.deps.box);
        changed.push(...configChanged.map((k) => `config.${k}`));
        // A new config deserves a fresh verdict: the next delivery or test decides its health.
        if (current.enabled && input.enabled !== false) patch.deliveryStatus = 'healthy';
      }
    }
    if (input.enabled !== undefined && input.enabled !== current.enabled) {
      patch.enabled = input.enabled;
      patch.deliveryStatus = input.enabled ? 'healthy' : 'paused';
      changed.push('enabled');
    }
    if (changed.length === 0) return { ...current, saveWarnings: warnings };
    const now = this.now();
    const updated = await this.deps.repo.update(actor.orgId, id, patch, now);
    if (!updated) throw notFound('SIEM config not found');
    const action = changed.length === 1 && changed[0] === 'enabled' ? (input.enabled ? 'enable' : 'disable') : 'update';
    await this.deps.audit.record({ configId: id, orgId: actor.orgId, actor: actor.sub, action, changedFields: changed, at: now });
    this.changes.emit('change', { kind: 'updated', id, orgId: actor.orgId } satisfies ConfigChange);
    return { ...updated, saveWarnings: warnings };
  }

  /** 422 naming the field when the egress policy refuses a target for certain; its doubts as warnings. */
  private async precheckEgress(def: ConnectorDefinition<any>, config: Record<string, unknown>): Promise<string[]> {
    if (!this.deps.egress) return [];
    const { issues, warnings } = await precheckEgress(this.deps.egress, def, config);
    if (issues.length > 0) throw new ValidationError(issues);
    return warnings;
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const deleted = await this.deps.repo.delete(actor.orgId, id);
    if (!deleted) throw notFound('SIEM config not found');
    await this.deps.audit.record({ configId: id, orgId: actor.orgId, actor: actor.sub, action: 'delete', changedFields: [], at: this.now() });
    this.changes.emit('change', { kind: 'deleted', id, orgId: actor.orgId } satisfies ConfigChange);
  }

  /**
   * Records a connection test on the config: last_test_at / last_test_result, and the status as the Arbitex
   * document says a test moves it (success → healthy, failure → degraded; failure_count counts consecutive
   * failures). A test is not a delivery: the delivery times (last_delivery_at, last_successful_batch_at) are
   * left to deliveries.
   */
  async recordTestResult(id: string, success: boolean, error: string | null): Promise<void> {
    const now = this.now();
    if (success) {
      await this.deps.repo.updateDeliveryState(id, { deliveryStatus: 'healthy', failureCount: 0, lastError: null, lastTestAt: now, lastTestResult: 'success' });
    } else {
      await this.deps.repo.recordFailure(id, { deliveryStatus: 'degraded', lastError: error, lastTestAt: now, lastTestResult: 'failure' });
    }
  }

  /** Audit entries of a config of this org (also after deletion); 404 when there never was one. */
  async auditTrail(orgId: string, id: string): Promise<AuditEntry[]> {
    const entries = await this.deps.audit.list(orgId, id);
    if (entries.length === 0) throw notFound('SIEM config not found');
    return entries;
  }
}

/** `typeOnly`: only that the connector type exists (the config is checked once its secrets are resolved). */
function assertValid(type: unknown, config: unknown, opts: { typeOnly?: boolean } = {}): void {
  if (opts.typeOnly && isConnectorType(type)) return;
  const issues = validateConnectorConfig(type, config);
  if (issues.length > 0) throw new ValidationError(issues);
}

/**
 * The config to store: its secret fields resolved against the stored ones (secret-reentry.ts: kept, removed,
 * or refused when the destination changes), then validated like every config.
 */
function prepareConfig(type: unknown, sent: unknown, stored: OpenedConfig | undefined): Record<string, unknown> {
  if (!isConnectorType(type) || typeof sent !== 'object' || sent === null || Array.isArray(sent)) {
    assertValid(type, sent);
    throw new ValidationError([{ loc: ['body', 'config'], msg: 'Input should be a valid dictionary', type: 'dict_type' }]);
  }
  const def = connectorCatalog[type];
  const resolved = resolveSecrets(def, stored, sent as Record<string, unknown>);
  if (resolved.issues.length > 0) throw new ValidationError(resolved.issues);
  const issues = validateConnectorConfig(type, resolved.config);
  if (issues.length > 0) {
    const withoutKept = { ...resolved.config };
    for (const field of resolved.keptByOmission) delete withoutKept[field];
    throw new ValidationError(explainKeptSecrets(issues, validateConnectorConfig(type, withoutKept), resolved.keptByOmission));
  }
  return resolved.config;
}

function assertWellFormedName(name: unknown): void {
  const issues = wellFormedTextIssues(name, ['body', 'name']);
  if (issues.length > 0) throw new ValidationError(issues);
}
