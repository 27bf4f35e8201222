import type { ServiceSettings } from '../config/env.ts';
import type { SiemConfigService } from '../siem-configs/service.ts';
import type { ConnectionTester } from '../siem-configs/connection-test.ts';
import type { ConnectorRegistry } from '../registry/registry.ts';
import type { EventLog } from '../store/event-log.ts';
import type { Metrics } from '../pipeline/metrics.ts';
import type { DeliveryAdmin } from '../pipeline/delivery/admin.ts';
import type { Publisher } from '../pipeline/publish.ts';
import type { StoreAdapter } from '../store/adapter.ts';
import type { AuthHooks } from './plugins/auth.ts';

/** What route modules receive: the service's shared parts, built once in src/service.ts. */
export interface ApiContext {
  settings: ServiceSettings;
  store: StoreAdapter;
  auth: AuthHooks;
  configs: SiemConfigService;
  tester: ConnectionTester;
  /** Global connectors (SPEC §5). */
  registry: ConnectorRegistry;
  /** The durable event log (publishing appends, delivery reads). */
  eventLog: EventLog;
  /** POST /v1/events and the library's publish(). */
  publisher: Publisher;
  /** The service's Prometheus registry and metrics (GET /metrics). */
  metrics: Metrics;
  /** Delivery stats, dead letters, replays, preview (src/api/arbitex/delivery.ts). */
  delivery?: DeliveryAdmin;
}
