/**
 * `siemstream keys rotate`: re-encrypts every stored secret under the first key of SIEM_ENCRYPTION_KEYS.
 * Zero downtime: run it after every instance runs with the new key listed first (all keys decrypt); each
 * config is swapped with a compare-and-set on its old text, so a concurrent API update is never overwritten.
 */
import { connectorCatalog } from '../connectors/catalog.ts';
import type { ConnectorType } from '../connectors/shared/types.ts';
import type { ServiceSettings } from '../config/env.ts';
import { ensureDevSecrets } from '../security/dev-keys.ts';
import { SecretBox, parseEncryptionKeys } from '../security/secret-box.ts';
import { reencryptSecrets } from '../siem-configs/secrets.ts';
import { runMigrations } from '../store/migrate.ts';
import { openStore } from '../store/open-store.ts';
import { siemConfigRepo } from '../store/repos/siem-configs.ts';
import type { StoreAdapter } from '../store/adapter.ts';

export interface RotationReport {
  examined: number;
  rotated: number;
  retried: number;
}

export async function rotateKeys(store: StoreAdapter, box: SecretBox): Promise<RotationReport> {
  const repo = siemConfigRepo(store.db);
  const report: RotationReport = { examined: 0, rotated: 0, retried: 0 };
  for (const { id } of await repo.listConfigTexts()) {
    report.examined++;
    // Retry when an API write raced us: re-read and re-encrypt the new text.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await repo.getById(id);
      if (!current) break;
      const def = connectorCatalog[current.connectorType as ConnectorType];
      if (!def) break;
      const next = reencryptSecrets(def, id, current.config, box);
      if (!next) break;
      if (await repo.replaceConfigText(id, JSON.stringify(current.config), JSON.stringify(next))) {
        report.rotated++;
        break;
      }
      report.retried++;
    }
  }
  return report;
}

export async function keysRotateCommand(settings: ServiceSettings): Promise<number> {
  const keys = settings.encryptionKeys ?? ensureDevSecrets(settings.dataDir).encryptionKeys;
  const box = new SecretBox(parseEncryptionKeys(keys));
  const store = openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, poolSize: 2 });
  try {
    await runMigrations(store);
    const r = await rotateKeys(store, box);
    console.log(`examined ${r.examined} configs, re-encrypted ${r.rotated} under key "${box.currentKid}"`);
    return 0;
  } finally {
    await store.close();
  }
}
