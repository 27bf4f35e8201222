/** Everything a store holds, as text: what an attacker with the database files (SQLite) or tables (PostgreSQL) reads. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestService } from './service.ts';

export async function databaseDump(t: TestService): Promise<string> {
  if (t.service.store.kind === 'sqlite') {
    // The raw files: main database, WAL and shared memory.
    await (await import('kysely')).sql`pragma wal_checkpoint(FULL)`.execute(t.service.store.db);
    return readdirSync(t.store.dataDir)
      .filter((f) => f.startsWith('siemstream.db'))
      .map((f) => readFileSync(join(t.store.dataDir, f)).toString('latin1'))
      .join('\n');
  }
  const client = new pg.Client({ connectionString: t.store.databaseUrl });
  await client.connect();
  try {
    const tables = await client.query(`select table_name from information_schema.tables where table_schema = $1`, [t.store.schema]);
    const parts: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await client.query(`select * from ${t.store.schema}."${table_name}"`);
      parts.push(JSON.stringify(rows.rows));
    }
    return parts.join('\n');
  } finally {
    await client.end();
  }
}
