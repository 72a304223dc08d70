import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onPostgres, startTestApp, type TestApp } from '../../tests/harness.js';
import { childPids, freePort, stop, waitUntilUp } from '../../tests/processes.js';
import { serverExecArgv } from './serve.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A GET on a connection of its own (so the primary hands it to the next process), answered within 10 s. */
const statusOf = (url: string) =>
  new Promise<number>((resolve, reject) => {
    const req = get(url, { agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.once('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.once('error', reject);
  });

const serve = (env: Record<string, string | undefined>) =>
  spawn(process.execPath, ['bin/omniloop.js', 'serve'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

describe('omniloop serve with several processes', () => {
  it('gives server processes a 64 MB young generation unless the operator chose a size', () => {
    expect(serverExecArgv(['--enable-source-maps'])).toEqual(['--enable-source-maps', '--max-semi-space-size=64']);
    expect(serverExecArgv(['--max-semi-space-size=16'])).toEqual(['--max-semi-space-size=16']);
    expect(serverExecArgv([], '--max-old-space-size=4096 --max-semi-space-size=32')).toEqual([]);
  });

  it('refuses several processes on the embedded database, saying why', async () => {
    const child = serve({ DATABASE_URL: undefined, OMNILOOP_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'omniloop-serve-')), OMNILOOP_PROCESSES: '2', PORT: String(await freePort()) });
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('several server processes need a PostgreSQL server (DATABASE_URL)');
  }, 60_000);

  describe.skipIf(!onPostgres)('on PostgreSQL', () => {
    let t: TestApp;
    let primary: ChildProcess;
    let base: string;
    let out = '';
    // The primary's server processes (not, say, the compiler service its loader may start).
    const servers = () => childPids(primary.pid!, 'omniloop.js serve');

    beforeAll(async () => {
      t = await startTestApp();
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      primary = serve({ DATABASE_URL: t.databaseUrl, OMNILOOP_PROCESSES: '2', PORT: String(port) });
      primary.stdout!.on('data', (c) => (out += c));
      primary.stderr!.on('data', (c) => (out += c));
      await waitUntilUp(base, primary);
    }, 180_000);

    afterAll(async () => {
      if (primary) await stop(primary);
      await t?.close();
    });

    it('serves one port from two processes and replaces one that dies', async () => {
      await expect.poll(() => out, { timeout: 30_000 }).toContain('(2 server processes)');
      const workers = servers();
      expect(workers).toHaveLength(2);
      for (const pid of workers) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=64');
      const statuses = await Promise.all(Array.from({ length: 20 }, () => statusOf(`${base}/openapi.json`)));
      expect(statuses.every((s) => s === 200)).toBe(true);

      process.kill(workers[0], 'SIGKILL');
      await expect.poll(() => out, { timeout: 30_000 }).toContain(`server process ${workers[0]} exited (SIGKILL); starting another`);
      const after = await Promise.all(Array.from({ length: 10 }, () => statusOf(`${base}/openapi.json`)));
      expect(after.every((s) => s === 200)).toBe(true);
      await expect.poll(() => servers().filter((p) => p !== workers[0]), { timeout: 60_000, interval: 200 }).toHaveLength(2);
    }, 120_000);

    it('stops every process on SIGTERM', async () => {
      const workers = servers();
      expect(await stop(primary)).toBe(0);
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      await expect.poll(() => workers.filter(alive), { timeout: 30_000 }).toHaveLength(0);
    }, 60_000);
  });
});
