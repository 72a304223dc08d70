import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onPostgres, startTestApp, type TestApp } from '../../../tests/harness.js';
import { freePort, stop, waitUntilUp } from '../../../tests/processes.js';
import { expectLevelsMatchLedger, level, location, receive, variants } from './test-fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe.skipIf(!onPostgres)('two server processes on one PostgreSQL database', () => {
  let t: TestApp;
  const servers: ChildProcess[] = [];
  const bases: string[] = [];
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    key = await t.apiKey(['inventory:read', 'inventory:write']);
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const child = spawn(process.execPath, ['bin/omniloop.js', 'serve'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: t.databaseUrl, PORT: String(port), OMNILOOP_WORKER: 'off', LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      });
      servers.push(child);
      bases.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(bases.map((b, i) => waitUntilUp(b, servers[i])));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map(stop));
    await t?.close();
  });

  it('200 concurrent reservations for 50 units across both servers: exactly 50 succeed', async () => {
    const [v] = await variants(t);
    const store = await location(t);
    await receive(t, v, store, 50);
    const body = JSON.stringify({ lines: [{ variantId: v, locationId: store, quantity: 1 }] });
    const results = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
      const res = await fetch(`${bases[i % 2]}/v1/reservations`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
      return { status: res.status, body: (await res.json()) as { code?: string } };
    }));
    expect(results.filter((r) => r.status === 201)).toHaveLength(50);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.code === 'insufficient_stock')).toBe(true);
    expect(await level(t, v, store)).toMatchObject({ onHand: 50, reserved: 50, available: 0 });
    await expectLevelsMatchLedger(t);
  });
});
