import type { ServiceSettings } from '../config/env.ts';
import { runMigrations } from '../store/migrate.ts';
import { openStore } from '../store/open-store.ts';

export async function migrateCommand(settings: ServiceSettings): Promise<number> {
  const store = openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, poolSize: 2 });
  try {
    const { applied } = await runMigrations(store);
    console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database is up to date');
    return 0;
  } finally {
    await store.close();
  }
}
