/**
 * `siemstream keys rotate`: re-encrypts every stored secret under the first key of SIEM_ENCRYPTION_KEYS.
 * Zero downtime: run it after every instance runs with the new key listed first (all keys decrypt); each
 * config is swapped with a compare-and-set on its old text, so a concurrent API update is never overwritten.
 * Legacy `enc:v1` values are rewritten as `enc:v2`. Exit 0 when every secret is under the new key; 3 when some
 * could not be decrypted (each listed by config id and field on stderr; the rest were re-encrypted).
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
  /** Secrets that could not be decrypted, so stay as they are (config id + field + why; never a value). */
  failed: { configId: string; field: string; reason: string }[];
}

/** The exit code when every other secret was re-encrypted but some could not be decrypted (README "keys rotate"). */
export const EXIT_SOME_SECRETS_UNREADABLE = 3;

/** Goes through every config; a secret that cannot be decrypted is reported and skipped, never a stop. */
export async function rotateKeys(store: StoreAdapter, box: SecretBox): Promise<RotationReport> {
  const repo = siemConfigRepo(store.db);
  const report: RotationReport = { examined: 0, rotated: 0, retried: 0, failed: [] };
  for (const { id } of await repo.listConfigTexts()) {
    report.examined++;
    let failed: RotationReport['failed'] = [];
    // Retry when an API write raced us: re-read and re-encrypt the new text.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await repo.getById(id);
      if (!current) break;
      const def = connectorCatalog[current.connectorType as ConnectorType];
      if (!def) break;
      const next = reencryptSecrets(def, id, current.config, box);
      failed = next.failed.map((f) => ({ configId: id, ...f }));
      if (!next.config) break;
      if (await repo.replaceConfigText(id, JSON.stringify(current.config), JSON.stringify(next.config))) {
        report.rotated++;
        break;
      }
      report.retried++;
    }
    report.failed.push(...failed);
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
    if (r.failed.length === 0) return 0;
    for (const f of r.failed) console.error(`config ${f.configId} field ${f.field}: not re-encrypted: ${f.reason}`);
    console.error(
      `${r.failed.length} secret(s) could not be decrypted and were left as they are: give them again ` +
        '(PUT the config); until then those configs cannot deliver',
    );
    return EXIT_SOME_SECRETS_UNREADABLE;
  } finally {
    await store.close();
  }
}
