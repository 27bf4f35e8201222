/**
 * siemstream embedded in a Node application: publish events, read them back from the event log, shut down.
 * Run: npx tsx examples/library.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSiemstream } from '../src/index.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'siemstream-example-'));
const siem = await createSiemstream({
  dataDir, // SQLite under this directory; use databaseUrl: 'postgres://…' for PostgreSQL
  settings: { logLevel: 'error' },
});

try {
  const result = await siem.publish(
    [
      // A simple event: mapped to OCSF Authentication (3002).
      { type: 'user.login', id: 'evt-0001', user: { user_id: 'u-42', email: 'alice@example.com' }, ip: '203.0.113.7' },
      // An OCSF event, stored as given (plus metadata.uid when absent and metadata.tenant_uid).
      {
        class_uid: 2004, category_uid: 2, activity_id: 1, type_uid: 200401, severity_id: 4, time: Date.now(),
        metadata: { version: '1.8.0', product: { name: 'MyApp', vendor_name: 'Example Corp' } },
        finding_info: { uid: 'f-1', title: 'Impossible travel' },
      },
      // Invalid: reported with its index, the others are kept.
      { type: 'user.teleported' },
    ],
    { orgId: 'org-acme' },
  );
  console.log('publish →', JSON.stringify(result));

  // Published again within 24 h: accepted, but not stored (and so not delivered) twice.
  const again = await siem.publish([{ type: 'user.login', id: 'evt-0001', user: { user_id: 'u-42' } }], { orgId: 'org-acme' });
  console.log('republish →', JSON.stringify(again));

  for (const e of await siem.service.ctx.eventLog.read({ afterSeq: 0, limit: 10 })) {
    const ocsf = JSON.parse(e.json);
    console.log(`seq ${e.seq}: org ${e.orgId}, class ${e.classUid}, uid ${e.uid}, tenant_uid ${ocsf.metadata.tenant_uid}`);
  }
} finally {
  await siem.close();
  rmSync(dataDir, { recursive: true, force: true });
}
