import type { ServiceSettings } from '../config/env.ts';
import { createService } from '../service.ts';
import { parseFlags } from './args.ts';

/**
 * Runs until SIGTERM/SIGINT, then stops intake, drains, closes the store and exits 0.
 * --role (README "Scaling"): all = API + delivery (default); api = publishing and every API route, no delivery;
 * worker = delivery, answering only /healthz, /readyz and /metrics.
 */
export async function serve(settings: ServiceSettings, args: string[]): Promise<number> {
  const { values } = parseFlags(args, { role: { type: 'string', default: 'all' } });
  if (!['api', 'worker', 'all'].includes(values.role!)) {
    console.error('siemstream: --role must be api, worker or all');
    return 2;
  }
  const service = await createService({ settings: { ...settings, role: values.role as ServiceSettings['role'] } });
  const { logger } = service;
  const { metricsAddress } = await service.listen();
  logger.info(
    { host: settings.host, port: settings.port, metrics: metricsAddress, store: service.store.kind, role: values.role, instance: service.instanceId },
    'siemstream listening',
  );

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: no new requests, draining in-flight work');
      service
        .close()
        .catch((err) => logger.error({ err }, 'error during shutdown'))
        .finally(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  logger.info('siemstream stopped');
  return 0;
}
