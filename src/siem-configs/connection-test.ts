/**
 * Connection tests (SPEC §4): one synthetic OCSF event, sent immediately (no queue), rate-limited per
 * organisation across instances (the counter lives in the database), with the result recorded on the config.
 */
import { randomUUID } from 'node:crypto';
import { connectorCatalog } from '../connectors/catalog.ts';
import { validateAgainstSchema } from '../connectors/shared/config-schema.ts';
import { instantiateConnector } from '../connectors/shared/redacting-connector.ts';
import type { ConnectionTestResult, ConnectorDeps, ConnectorType, DeliveryEvent } from '../connectors/shared/types.ts';
import { ValidationError, rateLimited } from '../errors.ts';
import { syntheticTestEvent } from '../ocsf/test-event.ts';
import type { RateLimitRepo } from '../store/repos/rate-limits.ts';
import type { SiemConfigRecord } from '../store/repos/siem-configs.ts';
import { describeUnavailable, unavailableMessage } from './secrets.ts';
import type { SiemConfigService } from './service.ts';

export interface ConnectionTesterDeps {
  connectorDeps: ConnectorDeps;
  rateLimits: RateLimitRepo;
  /** Tests per organisation per minute. */
  limitPerMinute: number;
  now?: () => number;
}

export interface TestOutcome extends ConnectionTestResult {
  warnings: string[];
}

export class ConnectionTester {
  private readonly now: () => number;
  constructor(private readonly deps: ConnectionTesterDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * 429 once the organisation (or, for a global connector, everyone) used its tests for this minute. The two
   * kinds of budget have keys of their own: an org_id is any claim a token carries, so a shared form such as
   * `test:<org_id or connector>` let an organisation named like a connector spend that connector's budget.
   */
  async checkRate(scope: { orgId: string } | { globalConnectorId: string }): Promise<void> {
    const key = 'orgId' in scope ? `test:org:${scope.orgId}` : `test:global-connector:${scope.globalConnectorId}`;
    const { count, resetAt } = await this.deps.rateLimits.hit(key, 60_000, this.now());
    if (count > this.deps.limitPerMinute) {
      const wait = Math.max(1, Math.ceil((resetAt - this.now()) / 1000));
      throw rateLimited(`Connection tests are limited to ${this.deps.limitPerMinute} a minute; retry in ${wait} s`, wait);
    }
  }

  /**
   * Instantiates the connector (422 when it cannot be) and sends one synthetic event.
   * Never throws for SIEM-side failures: they are in the result.
   */
  async run(type: string, config: Record<string, unknown>, opts: { orgId?: string }): Promise<TestOutcome> {
    const def = connectorCatalog[type as ConnectorType];
    if (!def) throw new ValidationError([{ loc: ['connector_type'], msg: `Unknown connector type ${type}`, type: 'enum' }]);
    // validate() assumes a schema-valid config (as everywhere else): run it only then.
    const schemaIssues = validateAgainstSchema(def.configSchema, config);
    const issues = schemaIssues.length > 0 ? schemaIssues : (def.validate?.(config) ?? []);
    if (issues.length > 0) {
      throw new ValidationError(
        issues.map((i) => ({ loc: ['config', ...i.path], msg: i.message, type: i.type })),
        `Connector cannot be instantiated: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    let connector;
    try {
      connector = instantiateConnector(def, config, this.deps.connectorDeps);
    } catch (err) {
      throw new ValidationError(
        [{ loc: ['config'], msg: `Connector cannot be instantiated: ${(err as Error).message}`, type: 'value_error' }],
        `Connector cannot be instantiated: ${(err as Error).message}`,
      );
    }
    const warnings = def.warnings?.(config) ?? [];
    try {
      const event = syntheticTestEvent({ orgId: opts.orgId, connectorType: type, now: this.now(), uid: randomUUID() });
      const delivery: DeliveryEvent = {
        uid: event.metadata.uid,
        time: event.time,
        classUid: event.class_uid,
        severityId: event.severity_id,
        json: JSON.stringify(event),
      };
      const result = await connector.test(delivery);
      const message = warnings.length > 0 && !result.message.includes(warnings[0]) ? `${result.message} (warning: ${warnings.join(' ')})` : result.message;
      return { ...result, message, warnings };
    } finally {
      await connector.close().catch(() => {});
    }
  }
}

/** Tests a stored config and records the result on it: both API surfaces and `siemstream send-test`. */
export async function testStoredConfig(configs: SiemConfigService, tester: ConnectionTester, record: SiemConfigRecord): Promise<TestOutcome> {
  const { config, unavailable } = configs.openConfig(record);
  if (unavailable.length > 0) {
    throw new ValidationError(
      unavailable.map((u) => ({ loc: ['config', u.field], msg: unavailableMessage(u), type: 'secret_unavailable' })),
      `Connector cannot be instantiated: ${unavailable.map(describeUnavailable).join('; ')}`,
    );
  }
  const result = await tester.run(record.connectorType, config, { orgId: record.orgId });
  await configs.recordTestResult(record.id, result.success, result.success ? null : result.message);
  return result;
}
