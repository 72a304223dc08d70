import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/platform/config.js';
import { createScratchDatabase, openDatabase } from '../../src/platform/db.js';
import { migrate } from '../../src/platform/migrate.js';
import { createApiKey, ensureOwner } from '../../src/modules/access/index.js';
import { SYSTEM } from '../../src/platform/auth.js';

/**
 * Processes per server (OMNILOOP_PROCESSES), BENCH_PROCESSES or the benchmark's choice: CPU-bound
 * reads gain from one per core; coalesced writes batch better in one process.
 */
export const processes = (fallback: number | 'cores'): number => Number(process.env.BENCH_PROCESSES ?? (fallback === 'cores' ? os.cpus().length : fallback));

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A fresh PostgreSQL database for one benchmark run, on the server of BENCH_DATABASE_URL / DATABASE_URL. */
export function freshDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  return createScratchDatabase(base, `omniloop_bench_${label}`);
}

/** Migrates the database and returns a secret API key with every scope. */
export async function prepare(url: string): Promise<string> {
  const database = await openDatabase({ ...loadConfig(), databaseUrl: url });
  await migrate(database.db);
  await ensureOwner(database.db, 'owner@bench.omniloop.dev');
  const key = await createApiKey({ db: database.db, actor: SYSTEM, requestId: 'bench' }, { name: 'bench', kind: 'secret', scopes: ['*'] });
  await database.close();
  return key.token;
}

/** Starts `n` API server processes on one database (stateless replicas) and waits until they answer. */
export async function startServers(url: string, n: number, firstPort: number, env: Record<string, string> = {}, perServer = 1): Promise<{ urls: string[]; pids: number[]; stop(): Promise<void> }> {
  const procs: ChildProcess[] = [];
  const urls: string[] = [];
  for (let i = 0; i < n; i++) {
    const port = firstPort + i;
    // A server left over from an aborted run would answer for another database.
    const stale = await fetch(`http://127.0.0.1:${port}/openapi.json`).then(() => true, () => false);
    if (stale) throw new Error(`port ${port} is already in use; stop what listens there first`);
    // BENCH_NODE_ARGS passes flags to the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const p = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin/omniloop.js'), 'serve'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, PORT: String(port), LOG_LEVEL: 'warn', OMNILOOP_PROCESSES: String(perServer), ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    p.once('exit', (code) => {
      if (code) console.error(`server on port ${port} exited with ${code}`);
    });
    procs.push(p);
    urls.push(`http://127.0.0.1:${port}`);
  }
  for (const u of urls) {
    for (let t = 0; ; t++) {
      try {
        if ((await fetch(`${u}/openapi.json`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (t > 300) throw new Error(`server ${u} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    urls,
    pids: procs.map((p) => p.pid!),
    async stop() {
      await Promise.all(procs.map((p) => new Promise((r) => { p.once('exit', r); p.kill('SIGTERM'); })));
    },
  };
}
