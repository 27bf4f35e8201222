/**
 * Wires the service together once: settings → logger → keys → store (+ migrations) → security → connectors →
 * config service → HTTP app. Everything built here is closed by `close()` in reverse order.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp, buildMetricsApp, type RouteModule } from './app.ts';
import { consoleUrl } from './console/plugin.ts';
import { createAuthHooks } from './api/plugins/auth.ts';
import type { ApiContext } from './api/context.ts';
import { loadSettings, type ServiceSettings } from './config/env.ts';
import { createConnectorDeps } from './connectors/shared/deps.ts';
import type { ConnectorDeps } from './connectors/shared/types.ts';
import { createLogger } from './logger.ts';
import { ensureDevSecrets } from './security/dev-keys.ts';
import { parseEgressAllow, type Resolver } from './security/egress-guard.ts';
import { createTokenVerifier } from './security/jwt.ts';
import { SecretBox, parseEncryptionKeys } from './security/secret-box.ts';
import { ConnectionTester } from './siem-configs/connection-test.ts';
import { ConnectorRegistry } from './registry/registry.ts';
import { createMetrics } from './pipeline/metrics.ts';
import { Publisher } from './pipeline/publish.ts';
import { DeliveryAdmin } from './pipeline/delivery/admin.ts';
import { siemConfigFeed } from './pipeline/delivery/config-destinations.ts';
import { createDeliveryMetrics } from './pipeline/delivery/delivery-metrics.ts';
import { DeliveryEngine, type DeliveryEngineOptions } from './pipeline/delivery/engine.ts';
import type { LeaseOwnershipOptions } from './pipeline/ownership/lease-ownership.ts';
import { startScaleOut, type ScaleOut } from './pipeline/ownership/scale-out.ts';
import { registryDestinationFeed } from './registry/destination-feed.ts';
import { openEventLog } from './store/open-event-log.ts';
import { SiemConfigService } from './siem-configs/service.ts';
import type { StoreAdapter } from './store/adapter.ts';
import { runMigrations } from './store/migrate.ts';
import { openStore } from './store/open-store.ts';
import { auditRepo } from './store/repos/audit.ts';
import { organizationRepo } from './store/repos/organizations.ts';
import { rateLimitRepo } from './store/repos/rate-limits.ts';
import { siemConfigRepo } from './store/repos/siem-configs.ts';

export interface ServiceOptions {
  /** Environment to read settings from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Overrides applied after the environment. */
  settings?: Partial<ServiceSettings>;
  logger?: Logger;
  /** An already open store (tests); otherwise opened from settings. */
  store?: StoreAdapter;
  /** DNS resolver for the egress guard (tests). */
  resolver?: Resolver;
  now?: () => number;
  extraRoutes?: RouteModule[];
  /** Delivery engine knobs (tests: short backoff/probe intervals, a pinned jitter). */
  delivery?: { options?: Partial<DeliveryEngineOptions>; random?: () => number };
  /** Lease timing on a shared PostgreSQL (tests; defaults: 15 s lease, 5 s renewal). */
  lease?: Pick<LeaseOwnershipOptions, 'leaseMs' | 'renewMs'>;
}

export interface Service {
  settings: ServiceSettings;
  logger: Logger;
  store: StoreAdapter;
  app: FastifyInstance;
  /** The metrics listener's app, when /metrics has a port of its own (SIEM_METRICS_PORT). */
  metricsApp?: FastifyInstance;
  ctx: ApiContext;
  connectorDeps: ConnectorDeps;
  box: SecretBox;
  /** This process's id: its lease-owner name in destination_leases and its NOTIFY origin (PostgreSQL). */
  instanceId: string;
  /** The delivery engine, when this process delivers (role all|worker). */
  engine?: DeliveryEngine;
  /** Listens on settings.host:port, and the metrics listener on metricsHost:metricsPort when set. */
  listen(): Promise<{ address: string; metricsAddress?: string }>;
  close(): Promise<void>;
}

export async function createService(opts: ServiceOptions = {}): Promise<Service> {
  const settings: ServiceSettings = { ...loadSettings(opts.env ?? process.env), ...opts.settings };
  const logger = opts.logger ?? createLogger({ level: settings.logLevel });
  const now = opts.now ?? Date.now;

  if (!settings.encryptionKeys || (!settings.jwtSecret && !settings.jwksUrl)) {
    const dev = ensureDevSecrets(settings.dataDir);
    settings.encryptionKeys ??= dev.encryptionKeys;
    if (!settings.jwksUrl) settings.jwtSecret ??= dev.jwtSecret;
    logger.warn(
      { dataDir: settings.dataDir, created: dev.created },
      'DEVELOPMENT KEYS IN USE: no SIEM_ENCRYPTION_KEYS / SIEM_JWT_SECRET configured; using files under the data dir (mode 0600). ' +
        'Set both for production. Mint a token with: npx siemstream token --org-id <id> --org-slug <slug> --role admin',
    );
  }

  const store = opts.store ?? openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, poolSize: settings.dbPoolSize });
  const ownsStore = !opts.store;
  try {
    const { applied } = await runMigrations(store);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  } catch (err) {
    if (ownsStore) await store.close().catch(() => {});
    throw err;
  }

  const box = new SecretBox(parseEncryptionKeys(settings.encryptionKeys!));
  const verifier = createTokenVerifier({
    secret: settings.jwksUrl ? undefined : settings.jwtSecret,
    jwksUrl: settings.jwksUrl,
    issuer: settings.jwtIssuer,
    audience: settings.jwtAudience,
    maxLifetimeSec: settings.jwtMaxLifetimeSec,
  });
  const connectorDeps = createConnectorDeps({ egressAllow: parseEgressAllow(settings.egressAllow), resolver: opts.resolver, logger, now });
  const repo = siemConfigRepo(store.db);
  const orgs = organizationRepo(store.db);
  const configs = new SiemConfigService({ repo, audit: auditRepo(store.db), box, egress: connectorDeps.egress, now });
  const instanceId = randomUUID();
  if (settings.role === 'api' && !store.capabilities.multiInstance) {
    logger.warn('role api on the embedded store: this process delivers nothing, and no other instance can share this store');
  }
  // Several instances on one PostgreSQL: config changes relayed between them; delivery under leases.
  let scaleOut: ScaleOut | undefined;
  if (store.capabilities.multiInstance) {
    try {
      scaleOut = await startScaleOut({ store, configChanges: configs.changes, instanceId, delivers: settings.role !== 'api', logger, lease: opts.lease });
    } catch (err) {
      if (ownsStore) await store.close().catch(() => {});
      throw err;
    }
  }
  const tester = new ConnectionTester({ connectorDeps, rateLimits: rateLimitRepo(store.db), limitPerMinute: settings.testRateLimitPerMinute, now });
  const auth = createAuthHooks({ verifier, rememberOrg: (id, slug) => orgs.remember(id, slug, now()), now });
  const registry = new ConnectorRegistry({ tester, logger, now });
  if (settings.connectorsFile) registry.loadFile(settings.connectorsFile, opts.env ?? process.env);
  const metrics = createMetrics();
  const eventLog = openEventLog(store);
  const publisher = new Publisher({ eventLog, metrics, logger, now });
  publisher.scheduleUidExpiry();
  const engine =
    settings.role === 'api'
      ? undefined
      : new DeliveryEngine({
          store,
          log: eventLog,
          feeds: [siemConfigFeed({ configs, repo, stateSink: scaleOut?.configStateSink }), registryDestinationFeed(registry)],
          connectorDeps,
          logger,
          appended: publisher.events,
          metrics: createDeliveryMetrics(metrics.registry),
          ownership: scaleOut?.ownership,
          instanceId: scaleOut?.ownership ? instanceId : undefined,
          now,
          random: opts.delivery?.random,
          options: { flushIntervalMs: settings.flushIntervalMs, retentionMs: settings.retentionMs, ...opts.delivery?.options },
        });
  const delivery = new DeliveryAdmin({ store, log: eventLog, connectorDeps, retentionMs: settings.retentionMs, now, engine });
  const ctx: ApiContext = { settings, store, auth, configs, tester, registry, eventLog, publisher, metrics, delivery };
  if (engine) scaleOut?.attach(engine);
  const app = await buildApp(ctx, { logger, extraRoutes: opts.extraRoutes, operationsOnly: settings.role === 'worker' });
  const metricsApp = settings.metricsPort === undefined ? undefined : await buildMetricsApp(ctx, { logger });
  await engine?.start();

  let closed = false;
  return {
    settings,
    logger,
    store,
    app,
    metricsApp,
    ctx,
    connectorDeps,
    box,
    instanceId,
    engine,
    async listen() {
      const address = await app.listen({ port: settings.port, host: settings.host });
      // The admin console's link, for whoever just started the service (a worker serves no console).
      if (settings.role !== 'worker') {
        const url = consoleUrl(settings.host, Number(new URL(address).port));
        logger.info({ console: url }, `admin console: ${url} (sign in with a token, e.g. from \`npx siemstream token\`)`);
      }
      const metricsAddress = await metricsApp?.listen({ port: settings.metricsPort, host: settings.metricsHost });
      return { address, metricsAddress };
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await metricsApp?.close();
      // Intake has stopped: let in-flight batches finish (bounded) and persist cursors before the store closes.
      await engine?.stop();
      // After the engine released what it ran: leave the lease table, stop listening.
      await scaleOut?.close();
      publisher.close();
      await connectorDeps.close();
      if (ownsStore) await store.close();
    },
  };
}
