import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { webApp } from './web.js';

const dist = mkdtempSync(join(tmpdir(), 'omniloop-web-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
writeFileSync(join(dist, 'assets', 'app-1a2b.js'), 'console.log(1)');
writeFileSync(join(dist, 'robots.txt'), 'User-agent: *');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

async function server(dir: string) {
  const app = Fastify();
  app.get('/v1/things', async () => ({ ok: true }));
  await webApp(app, { dist: dir });
  return app;
}

describe('serving the web app', () => {
  it('answers client routes with index.html, serves built files, and leaves the API alone', async () => {
    const app = await server(dist);
    for (const url of ['/', '/console', '/console/orders?status=paid', '/shop/p/prd_1']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<title>app</title>');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    const asset = await app.inject({ url: '/assets/app-1a2b.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/robots.txt' })).body).toBe('User-agent: *');
    expect((await app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/things' })).json()).toEqual({ ok: true });
    expect((await app.inject({ url: '/v1/unknown' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/openapi.json' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/../../etc/passwd' })).body).not.toContain('root:');
    expect((await app.inject({ url: '/%E0%A4%A' })).statusCode).toBe(400);
    await app.close();
  });

  it('says how to build the app when it has not been built', async () => {
    const app = await server(join(dist, 'nowhere'));
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build:web');
    expect((await app.inject({ url: '/v1/unknown' })).statusCode).toBe(404);
    await app.close();
  });
});
