import { existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

const DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
const API_PATHS = /^\/(v1(\/|$)|docs(\/|$)|openapi\.json$)/;

/**
 * Serves the web app (console, clerk screen, storefront) from web/dist. Any other GET outside the
 * API answers index.html so client routes such as /console/orders survive a reload.
 */
export async function webApp(app: FastifyInstance, opts: { dist?: string } = {}): Promise<void> {
  const dist = opts.dist ?? DIST;
  const built = existsSync(join(dist, 'index.html'));
  await app.register(async (scope) => {
    // Everything here is public: the app's files carry no data; the API checks every call.
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), access: 'public' } as typeof route.config;
    });
    if (built) {
      // Hashed file names never change content, so browsers may keep them for a year.
      await scope.register(fastifyStatic, { root: join(dist, 'assets'), prefix: '/assets/', immutable: true, maxAge: '365d', schemaHide: true });
    }
    scope.get('/*', { schema: { hide: true } }, async (req, reply) => {
      // Fastify has already refused malformed escapes (400), so decoding cannot throw here.
      const path = decodeURIComponent(req.url.split('?')[0]);
      if (API_PATHS.test(path)) return reply.callNotFound();
      if (!built) return reply.type('text/plain; charset=utf-8').send('Omniloop API is running (see /docs). The web app is not built yet: run `npm run build:web`, then restart.\n');
      const file = normalize(path).replace(/^(\.\.[/\\])+/, '').slice(1);
      if (file && !file.includes('..') && existsSync(join(dist, file)) && statSync(join(dist, file)).isFile()) return reply.sendFile(file, dist);
      return reply.header('cache-control', 'no-cache').sendFile('index.html', dist, { cacheControl: false });
    });
  });
}
