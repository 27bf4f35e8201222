/**
 * The library API (SPEC §6 "Embedded use"): run siemstream inside another Node application.
 * See docs/library.md for a walk-through and examples/library.ts for a runnable example.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ServiceSettings } from './config/env.ts';
import type { PublishResult } from './pipeline/publish.ts';
import type { GlobalConnectorInput } from './registry/entry.ts';
import type { GlobalConnectorState } from './registry/registry.ts';
import { createService, type Service } from './service.ts';

export type { PublishResult } from './pipeline/publish.ts';
export type { RejectedEvent } from './store/event-log.ts';
export type { Service } from './service.ts';
export type { GlobalConnectorInput } from './registry/entry.ts';
export type { GlobalConnectorState } from './registry/registry.ts';

export interface SiemstreamOptions {
  /** `sqlite:PATH` or `postgres://…`; default: a SQLite file `siemstream.db` under `dataDir`. */
  databaseUrl?: string;
  /** Where the SQLite file (and development keys, if no keys are configured) live. Default `./data`. */
  dataDir?: string;
  logger?: Logger;
  /**
   * Environment variables to read (the service's SIEM_* settings, README "Configuration"). Default: none —
   * an embedded instance is configured by these options, never by the host's DATABASE_URL or PORT by accident.
   * Pass `process.env` to opt in.
   */
  env?: NodeJS.ProcessEnv;
  /** Any other setting (encryptionKeys, jwtSecret, flushIntervalMs, role, logLevel …), applied last. */
  settings?: Partial<ServiceSettings>;
}

export interface PublishInput {
  /** Organisation of the events that name none (`org_id` / `metadata.tenant_uid`). Without it, each event must name one. */
  orgId?: string;
}

export interface Siemstream {
  /**
   * Publishes events (OCSF or simple events) exactly like POST /v1/events, resolving after they are durably
   * stored. The host application is trusted: an event may name any organisation.
   */
  publish(events: readonly unknown[], opts?: PublishInput): Promise<PublishResult>;
  /**
   * Registers a global connector (SPEC §5): it receives every organisation's events and is listed by
   * /api/admin/siem/*. Throws a ValidationError (invalid config) or a conflict (id already registered).
   */
  register(connector: GlobalConnectorInput): GlobalConnectorState;
  /** Removes a global connector registered earlier (or from the file); false when unknown. */
  unregister(connectorId: string): boolean;
  /** Stops delivery (in-flight batches finish), the HTTP app, and closes the store. */
  close(): Promise<void>;
  /** The HTTP API (not listening): `await siem.app.listen({ port })` to serve it, or mount nothing and use publish(). */
  app: FastifyInstance;
  /** Everything wired (store, event log, registry …), for advanced use. */
  service: Service;
}

export async function createSiemstream(options: SiemstreamOptions = {}): Promise<Siemstream> {
  const service = await createService({
    env: options.env ?? {},
    logger: options.logger,
    settings: {
      ...(options.databaseUrl !== undefined && { databaseUrl: options.databaseUrl }),
      ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
      ...options.settings,
    },
  });
  const { publisher } = service.ctx;
  return {
    publish: (events, opts = {}) => publisher.publish(events, { orgId: opts.orgId, allowedOrgs: 'any' }),
    register: (connector) => service.ctx.registry.register(connector),
    unregister: (connectorId) => service.ctx.registry.unregister(connectorId),
    close: () => service.close(),
    app: service.app,
    service,
  };
}
