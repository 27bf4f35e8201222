/**
 * The connector registry: global connectors that receive every organisation's events, loaded from
 * `SIEM_CONNECTORS_FILE` and/or `register()`ed by an embedding application. State lives in this process
 * (the file is the source of truth; status is rebuilt by tests and deliveries after a restart).
 *
 * Status: `not_configured` while the entry cannot be instantiated (fixed only by a new file / registration);
 * otherwise `healthy` after a successful test or delivery, `degraded` after a failed one (retrying), `error`
 * on an auth failure (401/403) or when retries are exhausted.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { connectorCatalog, isConnectorType } from '../connectors/catalog.ts';
import { secretRedactor, type SecretRedactor } from '../connectors/shared/secret-redactor.ts';
import type { ConnectorType } from '../connectors/shared/types.ts';
import { ValidationError, conflict, notFound, type ValidationIssue } from '../errors.ts';
import type { DeliveryStatePatch, TestResult } from '../store/repos/siem-configs.ts';
import type { ConnectionTester } from '../siem-configs/connection-test.ts';
import { configSummary } from './config-summary.ts';
import { readConnectorsFile } from './connectors-file.ts';
import { checkEntry, describeEntryIssues, type CheckedEntry, type GlobalConnectorInput } from './entry.ts';

export type GlobalConnectorStatus = 'healthy' | 'degraded' | 'error' | 'not_configured';

/** A read-only snapshot of one global connector; never holds a secret. */
export interface GlobalConnectorState {
  connectorId: string;
  displayName: string;
  /** As given, e.g. `splunk_hec` (may be unknown when not_configured). */
  connectorType: string;
  /** The class-like name the registry API shows (`SplunkHECConnector`); the raw type when unknown. */
  className: string;
  status: GlobalConnectorStatus;
  /** Why it is not_configured, or the last test/delivery error. */
  lastError: string | null;
  /** Consecutive failed tests/deliveries. */
  failureCount: number;
  /** Last delivery attempt and last successful delivery (tests are not deliveries: see lastTestAt). */
  lastDeliveryAt: number | null;
  lastSuccessAt: number | null;
  lastTestAt: number | null;
  lastTestResult: TestResult | null;
  configSummary: Record<string, unknown>;
  /** Validation issues when not_configured (locations and messages, no values). */
  issues: ValidationIssue[];
  source: 'file' | 'register';
}

/** A global connector that can be delivered to: its type and full config (secrets in plaintext, in memory). */
export interface GlobalDestination {
  connectorId: string;
  displayName: string;
  connectorType: ConnectorType;
  config: Record<string, unknown>;
  /** Differs for each registration, so a connector re-registered under the same id is seen as changed. */
  version: number;
  registeredAt: number;
}

export interface RegistryTestResult {
  connectorId: string;
  success: boolean;
  eventsSent: number;
  error: string | null;
}

export interface RegistryChange {
  /** `not_configured`: an entry turned out not to be instantiable and is no longer a destination. */
  kind: 'registered' | 'unregistered' | 'not_configured';
  connectorId: string;
}

interface Entry extends CheckedEntry {
  source: 'file' | 'register';
  status: GlobalConnectorStatus;
  lastError: string | null;
  failureCount: number;
  lastDeliveryAt: number | null;
  lastSuccessAt: number | null;
  lastTestAt: number | null;
  lastTestResult: TestResult | null;
  version: number;
  registeredAt: number;
  /** Hides the entry's credentials in the error texts it shows (undefined for an unknown connector type). */
  redactor?: SecretRedactor;
}

export interface ConnectorRegistryDeps {
  tester: ConnectionTester;
  logger: Logger;
  now?: () => number;
}

export class ConnectorRegistry {
  /** Emits 'change' (RegistryChange) after register/unregister and on not_configured, so delivery follows at once. */
  readonly changes = new EventEmitter();
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private nextVersion = 1;

  constructor(private readonly deps: ConnectorRegistryDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Loads `SIEM_CONNECTORS_FILE`. Never throws: an unreadable or unparsable file is one error log line and
   * adds nothing; each invalid entry is one error log line and is listed as not_configured.
   * `${VAR}` in config values are replaced from `env`.
   */
  loadFile(path: string, env: NodeJS.ProcessEnv): void {
    const file = readConnectorsFile(path);
    if (!file.ok) {
      this.deps.logger.error({ file: path }, `SIEM_CONNECTORS_FILE ignored, no global connectors loaded: ${file.error}`);
      return;
    }
    const firstEntryOf = new Map<string, number>();
    file.entries.forEach((raw, i) => {
      const position = i + 1;
      const checked = checkEntry(raw, { loc: ['connectors', i], fallbackId: `entry#${position}`, env });
      const existing = this.entries.get(checked.connectorId);
      if (existing) {
        // Which of two same-id entries was meant is unknowable: neither is delivered to until the file is fixed.
        const first = firstEntryOf.get(checked.connectorId);
        existing.issues.push({
          loc: ['connectors', i, 'connector_id'],
          msg: first ? `Duplicate connector_id (also entry ${first})` : 'connector_id is already registered',
          type: 'duplicate',
        });
        this.markNotConfigured(existing);
        this.logInvalid(path, position, existing, `duplicate connector_id "${checked.connectorId}"`);
        return;
      }
      firstEntryOf.set(checked.connectorId, position);
      const entry = this.add(checked, 'file');
      if (entry.issues.length > 0) this.logInvalid(path, position, entry, describeEntryIssues(entry.issues));
    });
    const notConfigured = [...this.entries.values()].filter((e) => e.source === 'file' && e.status === 'not_configured').length;
    this.deps.logger.info({ file: path, entries: file.entries.length, not_configured: notConfigured }, 'global connectors loaded');
  }

  /**
   * Registers a global connector (library API). An invalid entry is a programming error here, so it throws
   * (ValidationError, 422-shaped, naming fields not values) instead of listing it as not_configured;
   * an id already registered throws a 409-shaped conflict (unregister first to replace).
   */
  register(input: GlobalConnectorInput): GlobalConnectorState {
    const checked = checkEntry(input, { loc: [], fallbackId: String(input?.connector_id ?? '') });
    if (checked.issues.length > 0) {
      throw new ValidationError(checked.issues, `Global connector cannot be registered: ${describeEntryIssues(checked.issues)}`);
    }
    if (this.entries.has(checked.connectorId)) throw conflict(`Global connector ${checked.connectorId} is already registered`);
    const entry = this.add(checked, 'register');
    this.deps.logger.info({ connector_id: entry.connectorId, connector_type: entry.connectorType }, 'global connector registered');
    return snapshot(entry);
  }

  /** Removes a global connector; delivery to it stops. Returns false when it was not registered. */
  unregister(connectorId: string): boolean {
    if (!this.entries.delete(connectorId)) return false;
    this.deps.logger.info({ connector_id: connectorId }, 'global connector unregistered');
    this.changes.emit('change', { kind: 'unregistered', connectorId } satisfies RegistryChange);
    return true;
  }

  /** Every global connector in registration order (file order first). */
  list(): GlobalConnectorState[] {
    return [...this.entries.values()].map(snapshot);
  }

  get(connectorId: string): GlobalConnectorState | undefined {
    const entry = this.entries.get(connectorId);
    return entry && snapshot(entry);
  }

  health(): Record<GlobalConnectorStatus, number> & { total: number } {
    const counts = { healthy: 0, degraded: 0, error: 0, not_configured: 0, total: 0 };
    for (const entry of this.entries.values()) {
      counts[entry.status] += 1;
      counts.total += 1;
    }
    return counts;
  }

  /** The connectors delivery should send to: all but the not_configured ones. */
  destinations(): GlobalDestination[] {
    const out: GlobalDestination[] = [];
    for (const e of this.entries.values()) {
      if (e.status !== 'not_configured') out.push(destinationOf(e));
    }
    return out;
  }

  /** One deliverable connector; undefined when unknown or not_configured. */
  destination(connectorId: string): GlobalDestination | undefined {
    const e = this.entries.get(connectorId);
    return e && e.status !== 'not_configured' ? destinationOf(e) : undefined;
  }

  /**
   * Sends one synthetic event now and records the result: success → healthy, auth failure (401/403) → error,
   * any other failure → degraded. 404 for an unknown id, 422 when the connector cannot be instantiated.
   * Rate limiting is the caller's (the API route's) concern.
   */
  async test(connectorId: string): Promise<RegistryTestResult> {
    const entry = this.entries.get(connectorId);
    if (!entry) throw notFound(`Global connector ${connectorId} is not registered`);
    if (entry.status === 'not_configured') {
      throw new ValidationError(entry.issues, entry.lastError ?? 'Connector cannot be instantiated');
    }
    let result;
    try {
      result = await this.deps.tester.run(entry.connectorType, entry.config, {});
    } catch (err) {
      // The connector itself refused the config (create() threw): that is what not_configured means.
      if (err instanceof ValidationError && this.entries.get(connectorId) === entry) {
        entry.issues.push(...err.issues);
        this.markNotConfigured(entry);
      }
      throw err;
    }
    const at = this.now();
    // Unregistered (or replaced) while the test ran: report, but do not resurrect state.
    if (this.entries.get(connectorId) === entry) {
      // A test moves the status like a delivery would, but is not one: the delivery times stay the deliveries'.
      if (result.success) {
        this.applyState(entry, { deliveryStatus: 'healthy', failureCount: 0, lastError: null, lastTestAt: at, lastTestResult: 'success' });
      } else {
        const authFailure = result.status === 401 || result.status === 403;
        this.applyState(entry, {
          deliveryStatus: authFailure ? 'error' : 'degraded',
          failuresAdded: 1,
          lastError: result.message,
          lastTestAt: at,
          lastTestResult: 'failure',
        });
      }
    }
    return {
      connectorId,
      success: result.success,
      eventsSent: result.success ? result.eventsSent : 0,
      error: result.success ? null : result.message,
    };
  }

  /**
   * The delivery engine's health writes (absolute values, as for a config record). Ignored for unknown ids and
   * for entries already not_configured (only a new registration changes those).
   */
  recordDeliveryState(connectorId: string, state: DeliveryStatePatch): void {
    const entry = this.entries.get(connectorId);
    if (!entry || entry.status === 'not_configured') return;
    this.applyState(entry, state);
    // The engine found it cannot build the connector: it is no longer offered as a destination.
    if (state.deliveryStatus === 'not_configured') this.changes.emit('change', { kind: 'not_configured', connectorId } satisfies RegistryChange);
  }

  private applyState(entry: Entry, state: DeliveryStatePatch): void {
    // Global connectors cannot be paused; the engine has no reason to send it, but never list a foreign status.
    if (state.deliveryStatus !== undefined && state.deliveryStatus !== 'paused') entry.status = state.deliveryStatus;
    if (state.failureCount !== undefined) entry.failureCount = state.failureCount;
    if (state.failuresAdded !== undefined) entry.failureCount += state.failuresAdded;
    if (state.lastError !== undefined) entry.lastError = state.lastError;
    if (state.lastDeliveryAt !== undefined) entry.lastDeliveryAt = state.lastDeliveryAt;
    if (state.lastSuccessfulBatchAt !== undefined) entry.lastSuccessAt = state.lastSuccessfulBatchAt;
    if (state.lastTestAt !== undefined) entry.lastTestAt = state.lastTestAt;
    if (state.lastTestResult !== undefined) entry.lastTestResult = state.lastTestResult;
  }

  private add(checked: CheckedEntry, source: Entry['source']): Entry {
    const entry: Entry = {
      ...checked,
      source,
      status: 'healthy',
      lastError: null,
      failureCount: 0,
      lastDeliveryAt: null,
      lastSuccessAt: null,
      lastTestAt: null,
      lastTestResult: null,
      version: this.nextVersion++,
      registeredAt: this.now(),
      redactor: isConnectorType(checked.connectorType) ? secretRedactor(connectorCatalog[checked.connectorType], checked.config) : undefined,
    };
    if (entry.issues.length > 0) this.markNotConfigured(entry);
    this.entries.set(entry.connectorId, entry);
    this.changes.emit('change', { kind: 'registered', connectorId: entry.connectorId } satisfies RegistryChange);
    return entry;
  }

  private markNotConfigured(entry: Entry): void {
    entry.status = 'not_configured';
    entry.lastError = `Connector cannot be instantiated: ${describeEntryIssues(entry.issues)}`;
    if (this.entries.get(entry.connectorId) === entry) {
      this.changes.emit('change', { kind: 'not_configured', connectorId: entry.connectorId } satisfies RegistryChange);
    }
  }

  private logInvalid(path: string, position: number, entry: Entry, reason: string): void {
    this.deps.logger.error(
      { file: path, entry: position, connector_id: entry.connectorId, issues: entry.issues.map((i) => `${i.loc.join('.')}: ${i.msg}`) },
      `global connector "${entry.connectorId}" (entry ${position}) is not_configured: ${reason}`,
    );
  }
}

function snapshot(e: Entry): GlobalConnectorState {
  return {
    connectorId: e.connectorId,
    displayName: e.displayName,
    connectorType: e.connectorType,
    className: isConnectorType(e.connectorType) ? connectorCatalog[e.connectorType].className : e.connectorType,
    status: e.status,
    // Texts from the connector are redacted already; this also covers any other way a credential got in.
    lastError: e.lastError === null || !e.redactor ? e.lastError : e.redactor.redact(e.lastError),
    failureCount: e.failureCount,
    lastDeliveryAt: e.lastDeliveryAt,
    lastSuccessAt: e.lastSuccessAt,
    lastTestAt: e.lastTestAt,
    lastTestResult: e.lastTestResult,
    configSummary: configSummary(e.connectorType, e.config),
    issues: e.issues.map((i) => ({ ...i, loc: [...i.loc] })),
    source: e.source,
  };
}

function destinationOf(e: Entry): GlobalDestination {
  return {
    connectorId: e.connectorId,
    displayName: e.displayName,
    connectorType: e.connectorType as ConnectorType,
    config: e.config,
    version: e.version,
    registeredAt: e.registeredAt,
  };
}
