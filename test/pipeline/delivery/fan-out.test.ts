/** Required test 7: three destinations with different filters each receive exactly the events they select. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from './collector.ts';
import { authEvents, httpConfig, startDeliveryHarness, type DeliveryHarness } from './harness.ts';

describe('fan-out with filters', () => {
  let h: DeliveryHarness;
  const collectors: Collector[] = [];

  beforeAll(async () => {
    h = await startDeliveryHarness();
  });
  afterAll(async () => {
    await h?.dispose();
    await Promise.all(collectors.map((c) => c.close()));
  });

  it('each destination receives exactly its selection, once', async () => {
    const [accountOnly, severeOnly, authAtLeastLow] = await Promise.all([startCollector(), startCollector(), startCollector()]);
    collectors.push(accountOnly, severeOnly, authAtLeastLow);
    await h.createConfig({ connector_type: 'http', name: 'accounts', config: httpConfig(accountOnly.url), filters: { class_uids: [3001] } });
    await h.createConfig({ connector_type: 'http', name: 'severe', config: httpConfig(severeOnly.url), filters: { min_severity_id: 4 } });
    await h.createConfig({
      connector_type: 'http',
      name: 'auth',
      config: httpConfig(authAtLeastLow.url),
      filters: { class_uids: [3002], min_severity_id: 2 },
    });

    // 30 Authentication events (3002, severity 1..5) and 10 simple user.created events (→ Account Change 3001, severity 1).
    const auth = authEvents(30);
    const created = Array.from({ length: 10 }, (_, i) => ({ type: 'user.created', id: randomUUID(), user: { user_id: `u-${i}`, email: `u${i}@example.com` } }));
    await h.publish([...auth.slice(0, 15), ...created, ...auth.slice(15)]);

    const expectAccount = created.map((e) => e.id).sort();
    const expectSevere = auth.filter((e) => e.severity_id >= 4).map((e) => e.metadata.uid).sort();
    const expectAuth = auth.filter((e) => e.severity_id >= 2).map((e) => e.metadata.uid).sort();
    expect(expectSevere).toHaveLength(12);
    expect(expectAuth).toHaveLength(24);

    await Promise.all([
      accountOnly.waitForUnique(expectAccount.length),
      severeOnly.waitForUnique(expectSevere.length),
      authAtLeastLow.waitForUnique(expectAuth.length),
    ]);
    // One more flush interval and poll: nothing else may trickle in.
    await new Promise((r) => setTimeout(r, 400));
    expect([...accountOnly.uids()].sort()).toEqual(expectAccount);
    expect([...severeOnly.uids()].sort()).toEqual(expectSevere);
    expect([...authAtLeastLow.uids()].sort()).toEqual(expectAuth);
    // Publish order per organisation is kept.
    expect(authAtLeastLow.uids()).toEqual(auth.filter((e) => e.severity_id >= 2).map((e) => e.metadata.uid));
    expect(accountOnly.events().every((e) => e.class_uid === 3001)).toBe(true);
  });
});
