import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { childrenCpuSeconds, cpuMeter, machineBusySeconds } from './cpu.js';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../checkout-floor.sql');

/** Whether pgbench (Debian's postgresql-client) is on the PATH. */
export function havePgbench(): boolean {
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface FloorResult {
  transactions: number;
  /** Checkouts completed: transactions × the checkouts each one holds. */
  checkouts: number;
  perSecond: number;
  latencyMs: number;
  /** CPU per checkout: the machine's less the idle servers' and pgbench's, i.e. PostgreSQL's. */
  databaseMs: number;
  pgbenchMs: number;
  /** How busy the machine's cores were over the run, in per cent of all of them. */
  busyPercent: number;
}

/**
 * Runs bench/checkout-floor.sql with pgbench at `clients` connections for `seconds`, `batch`
 * checkouts to a transaction, on carts and SKUs of the benchmark's own catalogue (numbered in two
 * helper tables so the script can draw them). Rates and CPU are per checkout.
 */
export async function runFloor(opts: { url: string; channelId: string; locationId: string; skus: string[]; carts: string[]; batch: number; clients: number; seconds: number; serverPids: number[] }): Promise<FloorResult> {
  const db = new pg.Client({ connectionString: opts.url });
  await db.connect();
  try {
    await db.query(`CREATE TABLE IF NOT EXISTS bench_floor_sku (n int PRIMARY KEY, id text NOT NULL); TRUNCATE bench_floor_sku`);
    await db.query(`CREATE TABLE IF NOT EXISTS bench_floor_cart (n int PRIMARY KEY, id text NOT NULL); TRUNCATE bench_floor_cart`);
    await db.query(`INSERT INTO bench_floor_sku SELECT n, id FROM unnest($1::text[]) WITH ORDINALITY AS x(id, n)`, [opts.skus]);
    await db.query(`INSERT INTO bench_floor_cart SELECT n, id FROM unnest($1::text[]) WITH ORDINALITY AS x(id, n)`, [opts.carts]);
  } finally {
    await db.end();
  }
  // The batch size goes into the script's text, not a pgbench variable: a prepared statement's
  // parameter would hide from the planner how many rows each statement makes.
  const script = path.join(os.tmpdir(), `omniloop-checkout-floor-${opts.batch}.sql`);
  fs.writeFileSync(script, fs.readFileSync(SCRIPT, 'utf8').replaceAll(':batch', String(opts.batch)));
  const u = new URL(opts.url);
  const args = [
    '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), '-n', '-M', 'prepared',
    '-c', String(opts.clients), '-j', '2', '-T', String(opts.seconds), '-f', script,
    '-D', `channel=${opts.channelId}`, '-D', `location=${opts.locationId}`, '-D', `skus=${opts.skus.length}`, '-D', `carts=${opts.carts.length}`,
    u.pathname.slice(1),
  ];
  const servers = cpuMeter(opts.serverPids, opts.url);
  const machine0 = machineBusySeconds();
  const started = Date.now();
  const child0 = childrenCpuSeconds();
  const out = await new Promise<string>((resolve, reject) =>
    execFile('pgbench', args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`pgbench failed: ${stderr || err.message}`)) : resolve(stdout))),
  );
  const pgbench = childrenCpuSeconds() - child0;
  const machine = machineBusySeconds() - machine0;
  const wall = (Date.now() - started) / 1000;
  const idle = servers.stop().serverSeconds;
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
  const perSecond = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]);
  if (!transactions) throw new Error(`pgbench printed no result:\n${out}`);
  const checkouts = transactions * opts.batch;
  const per = (s: number) => Math.round((s * 1e5) / checkouts) / 100;
  return {
    transactions,
    checkouts,
    perSecond: Math.round(perSecond * opts.batch),
    latencyMs,
    databaseMs: per(machine - pgbench - idle),
    pgbenchMs: per(pgbench),
    busyPercent: Math.round((100 * machine) / (wall * os.cpus().length)),
  };
}
