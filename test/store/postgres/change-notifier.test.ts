import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeNotice } from '../../../src/store/change-feed.ts';
import { relayChanges } from '../../../src/store/change-relay.ts';
import { ChangeNotifier, configChannel } from '../../../src/store/postgres/change-notifier.ts';
import { openSharedSchema, waitFor, type InstanceAdapter, type SharedSchema } from '../../helpers/postgres-instances.ts';
import { postgresUrl } from '../../helpers/stores.ts';

describe('configChannel', () => {
  it('keeps the historical name for public, separates schemas, and stays a valid identifier length', () => {
    expect(configChannel()).toBe('siemstream_config');
    expect(configChannel('tenant_a')).toBe('siemstream_config_tenant_a');
    expect(configChannel('tenant_a')).not.toBe(configChannel('tenant_b'));
    const long = configChannel('x'.repeat(63));
    expect(long.length).toBeLessThan(64);
    expect(long).not.toBe(configChannel('x'.repeat(62)));
  });
});

describe.skipIf(!postgresUrl)('config change notifications on PostgreSQL', () => {
  let shared: SharedSchema;
  const notifiers: ChangeNotifier[] = [];

  beforeEach(async () => {
    shared = await openSharedSchema();
  });
  afterEach(async () => {
    await Promise.allSettled(notifiers.splice(0).map((n) => n.close()));
    await shared.dispose();
  });

  /** One instance's notifier on its own pool and its own LISTEN connection. */
  async function notifier(origin: string): Promise<{ notifier: ChangeNotifier; adapter: InstanceAdapter; heard: ChangeNotice[] }> {
    const adapter = shared.pool();
    const n = new ChangeNotifier({ pool: adapter.pool, channel: configChannel(shared.schema), origin, reconnect: { initialMs: 50, maxMs: 200 } });
    notifiers.push(n);
    const heard: ChangeNotice[] = [];
    n.subscribe((c) => heard.push(c));
    await n.start();
    return { notifier: n, adapter, heard };
  }

  it('delivers a change published on one pool to another instance within a second, never back to its origin', async () => {
    const a = await notifier('instance-a');
    const b = await notifier('instance-b');
    const change: ChangeNotice = { kind: 'deleted', id: 'cfg-1', orgId: 'org-a' };
    const sentAt = Date.now();
    await a.notifier.publish(change);
    await waitFor(() => b.heard.length === 1, 1000, 'b to hear the change');
    expect(Date.now() - sentAt).toBeLessThan(1000);
    expect(b.heard).toEqual([change]);

    // Notifications reach a connection in commit order: once a hears b's later one, it has seen (and dropped) its own.
    await b.notifier.publish({ kind: 'created', id: 'cfg-2', orgId: 'org-b' });
    await waitFor(() => a.heard.length === 1, 1000, 'a to hear b');
    expect(a.heard).toEqual([{ kind: 'created', id: 'cfg-2', orgId: 'org-b' }]);
  });

  it('ignores malformed payloads and other schemas’ channels', async () => {
    const a = await notifier('instance-a');
    const b = await notifier('instance-b');
    await a.adapter.pool.query('select pg_notify($1, $2)', [b.notifier.channel, 'not json']);
    await a.adapter.pool.query('select pg_notify($1, $2)', [b.notifier.channel, JSON.stringify({ kind: 'exploded', id: 'x', orgId: 'o', origin: 'z' })]);
    await a.adapter.pool.query('select pg_notify($1, $2)', [configChannel('some_other_schema'), JSON.stringify({ kind: 'deleted', id: 'x', orgId: 'o', origin: 'z' })]);
    await a.notifier.publish({ kind: 'updated', id: 'cfg-3', orgId: 'org-a' });
    await waitFor(() => b.heard.length >= 1, 1000, 'the valid change');
    expect(b.heard).toEqual([{ kind: 'updated', id: 'cfg-3', orgId: 'org-a' }]);
  });

  it('reconnects after its LISTEN connection is terminated, asks for a resync, and hears changes again', async () => {
    const a = await notifier('instance-a');
    const b = await notifier('instance-b');
    let resyncs = 0;
    b.notifier.onResync(() => resyncs++);
    const pid = b.notifier.listening.backendPid;
    expect(pid).toBeTypeOf('number');

    await a.adapter.pool.query('select pg_terminate_backend($1)', [pid]);
    await waitFor(() => resyncs === 1, 2000, 'the reconnect');
    expect(b.notifier.listening.connected).toBe(true);
    expect(b.notifier.listening.backendPid).not.toBe(pid);

    await a.notifier.publish({ kind: 'updated', id: 'cfg-4', orgId: 'org-a' });
    await waitFor(() => b.heard.length === 1, 1000, 'b to hear after reconnecting');
    expect(b.heard).toEqual([{ kind: 'updated', id: 'cfg-4', orgId: 'org-a' }]);
  });

  it('relays a service’s local changes to other instances’ emitters, without echoing them back', async () => {
    const a = await notifier('instance-a');
    const b = await notifier('instance-b');
    const changesA = new EventEmitter();
    const changesB = new EventEmitter();
    const offA = relayChanges(changesA, a.notifier);
    const offB = relayChanges(changesB, b.notifier);
    const seenA: ChangeNotice[] = [];
    const seenB: ChangeNotice[] = [];
    changesA.on('change', (c: ChangeNotice) => seenA.push(c));
    changesB.on('change', (c: ChangeNotice) => seenB.push(c));

    changesA.emit('change', { kind: 'deleted', id: 'cfg-5', orgId: 'org-a' });
    await waitFor(() => seenB.length === 1, 1000, 'the change to reach b');
    expect(seenB).toEqual([{ kind: 'deleted', id: 'cfg-5', orgId: 'org-a' }]);
    // b re-emitted it locally but did not publish it again; a later change of b's reaches a exactly once.
    changesB.emit('change', { kind: 'created', id: 'cfg-6', orgId: 'org-b' });
    await waitFor(() => seenA.length === 2, 1000, 'b’s change to reach a');
    expect(seenA).toEqual([
      { kind: 'deleted', id: 'cfg-5', orgId: 'org-a' },
      { kind: 'created', id: 'cfg-6', orgId: 'org-b' },
    ]);
    expect(seenB).toHaveLength(2);

    offA();
    offB();
    changesA.emit('change', { kind: 'updated', id: 'cfg-7', orgId: 'org-a' });
    await a.notifier.publish({ kind: 'updated', id: 'cfg-8', orgId: 'org-a' });
    await waitFor(() => b.heard.length === 2, 1000, 'the direct publish');
    // Only the direct publish went out (cfg-5, cfg-8), and b's emitter no longer relays it.
    expect(b.heard.map((c) => c.id)).toEqual(['cfg-5', 'cfg-8']);
    expect(seenB).toHaveLength(2);
  });
});
