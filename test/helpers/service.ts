/** A real service (real store, real Fastify app) for API tests, driven with app.inject(). */
import { Writable } from 'node:stream';
import pino from 'pino';
import { createService, type Service, type ServiceOptions } from '../../src/service.ts';
import { mintToken } from '../../src/security/jwt.ts';
import { redactPaths } from '../../src/logger.ts';
import type { ServiceSettings } from '../../src/config/env.ts';
import type { StoreBackend, TestStore } from './stores.ts';

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long!!';
export const TEST_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

export interface TestService {
  service: Service;
  store: TestStore;
  /** Every log line the service wrote (JSON text). */
  logs: string[];
  token(claims?: { orgId?: string; orgSlug?: string; role?: string; platformAdmin?: boolean; scope?: string; sub?: string; expiresInSec?: number }): Promise<string>;
  dispose(): Promise<void>;
}

export async function startTestService(
  backend: StoreBackend,
  opts: { settings?: Partial<ServiceSettings>; service?: Partial<ServiceOptions> } = {},
): Promise<TestService> {
  const store = await backend.open();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: redactPaths, censor: '[REDACTED]' } }, sink);
  const service = await createService({
    env: {},
    logger,
    store: store.adapter,
    settings: {
      dataDir: store.dataDir,
      jwtSecret: TEST_JWT_SECRET,
      encryptionKeys: TEST_KEYS,
      egressAllow: '127.0.0.0/8,::1,localhost',
      ...opts.settings,
    },
    ...opts.service,
  });
  await service.app.ready();
  return {
    service,
    store,
    logs,
    token: (c = {}) =>
      mintToken({
        secret: TEST_JWT_SECRET,
        sub: c.sub ?? 'user-1',
        orgId: 'orgId' in c ? c.orgId : 'org-1',
        orgSlug: 'orgSlug' in c ? c.orgSlug : 'acme-corp',
        role: 'role' in c ? c.role : 'admin',
        platformAdmin: c.platformAdmin,
        scope: c.scope,
        expiresInSec: c.expiresInSec,
      }),
    async dispose() {
      await service.close();
      await store.dispose();
    },
  };
}
