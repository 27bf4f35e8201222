import type { ServiceSettings } from '../config/env.ts';
import { createService } from '../service.ts';
import { silentLogger } from '../logger.ts';
import { testStoredConfig } from '../siem-configs/connection-test.ts';

/** Sends one synthetic OCSF event through a stored config, as the API's test endpoint does. */
export async function sendTestCommand(settings: ServiceSettings, args: string[]): Promise<number> {
  const configId = args[0];
  if (!configId) {
    console.error('usage: siemstream send-test <config_id>');
    return 2;
  }
  const service = await createService({ settings, logger: silentLogger });
  try {
    const repo = (await import('../store/repos/siem-configs.ts')).siemConfigRepo(service.store.db);
    const record = await repo.getById(configId);
    if (!record) {
      console.error(`siemstream: no SIEM config ${configId}`);
      return 1;
    }
    const result = await testStoredConfig(service.ctx.configs, service.ctx.tester, record);
    console.log(JSON.stringify({ config_id: record.id, connector_type: record.connectorType, success: result.success, message: result.message }, null, 2));
    return result.success ? 0 : 1;
  } finally {
    await service.close();
  }
}
