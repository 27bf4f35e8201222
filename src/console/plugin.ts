/**
 * The admin web console at /console/: the bundled browser app (scripts/build.js writes it to dist/console/)
 * served as static files under a strict Content-Security-Policy — scripts, styles, images and API calls from
 * this origin only, no inline script or style, no framing by other sites — and helmet's other headers. The
 * headers apply to the console's routes only (Swagger UI at /docs needs inline code). The console talks to the
 * service through its public HTTP API like any other client.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const CONSOLE_PATH = '/console/';

export const CONSOLE_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
  objectSrc: ["'none'"],
};

/**
 * The console's address for the start-up log: a wildcard listen address (0.0.0.0, ::) becomes this machine's
 * loopback, which a browser here can open; IPv6 literals are bracketed.
 */
export function consoleUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}${CONSOLE_PATH}`;
}

/** dist/console beside the compiled entry (dist/siemstream.js), or under the checkout when run from src/. */
export function defaultAssetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return basename(here) === 'console' ? join(here, '..', '..', 'dist', 'console') : join(here, 'console');
}

/** A route module (the API context is not needed: the console uses the API over HTTP). */
export async function consoleRoutes(app: FastifyInstance, _ctx?: unknown, opts: { assetsDir?: string } = {}): Promise<void> {
  const root = opts.assetsDir ?? defaultAssetsDir();
  await app.register(async (scope) => {
    await scope.register(helmet, {
      contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP },
      // Tokens arrive in the fragment, which browsers never send; no page of the console leaks its URL onward.
      referrerPolicy: { policy: 'no-referrer' },
    });
    scope.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect(CONSOLE_PATH));
    if (!existsSync(join(root, 'index.html'))) {
      scope.get('/console/*', { schema: { hide: true } }, async (_request, reply) =>
        reply.code(503).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build` (npm start builds it).\n'),
      );
      return;
    }
    await scope.register(fastifyStatic, {
      root,
      prefix: CONSOLE_PATH,
      decorateReply: false,
      index: ['index.html'],
      // The bundle's names do not change with its content: browsers revalidate rather than run a stale console.
      cacheControl: true,
      maxAge: 0,
      schemaHide: true,
    });
  });
}
