import { execFile, execFileSync } from 'node:child_process';
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
  perSecond: number;
  latencyMs: number;
  /** CPU per transaction: the machine's less the idle servers' and pgbench's, i.e. PostgreSQL's. */
  databaseMs: number;
  pgbenchMs: number;
  /** How busy the machine's cores were over the run, in per cent of all of them. */
  busyPercent: number;
}

/**
 * Runs bench/checkout-floor.sql with pgbench at `clients` connections for `seconds`, on carts and
 * SKUs of the benchmark's own catalogue (numbered in two helper tables so the script can draw them).
 */
export async function runFloor(opts: { url: string; channelId: string; locationId: string; skus: string[]; carts: string[]; clients: number; seconds: number; serverPids: number[] }): Promise<FloorResult> {
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
  const u = new URL(opts.url);
  const args = [
    '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), '-n', '-M', 'prepared',
    '-c', String(opts.clients), '-j', '2', '-T', String(opts.seconds), '-f', SCRIPT,
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
  const per = (s: number) => Math.round((s * 1e5) / transactions) / 100;
  return { transactions, perSecond: Math.round(perSecond), latencyMs, databaseMs: per(machine - pgbench - idle), pgbenchMs: per(pgbench), busyPercent: Math.round((100 * machine) / (wall * os.cpus().length)) };
}
