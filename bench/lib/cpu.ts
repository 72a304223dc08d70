import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

function ticks(pid: string | number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return 0; // the process ended
  }
}

/** The process and its children (a server started with several processes is a primary and its workers). */
function tree(pid: number): number[] {
  const children = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && (() => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false;
    }
  })());
  return [pid, ...children.map(Number)];
}

/** Backends serving `database` (their title reads `postgres: 15/main: user database host …`). */
function postgresPids(database: string): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p) && (() => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'postgres' && readFileSync(`/proc/${p}/cmdline`, 'utf8').split(' ').includes(database);
    } catch {
      return false;
    }
  })());
}

/**
 * CPU seconds used by the server processes and by PostgreSQL between start() and stop(). On a
 * machine shared with other work, CPU time per request is steadier than requests per second.
 * Only the benchmark database's backends count, not PostgreSQL's shared background processes.
 * (Linux only; backends that exit during the run are not counted.)
 */
export function cpuMeter(serverPids: number[], databaseUrl: string) {
  const database = new URL(databaseUrl).pathname.slice(1);
  const servers = serverPids.flatMap(tree);
  const take = () => {
    const pg = postgresPids(database);
    return { server: servers.reduce((s, p) => s + ticks(p), 0), pg: new Map(pg.map((p) => [p, ticks(p)])) };
  };
  const before = take();
  return {
    stop() {
      const after = take();
      let pg = 0;
      for (const [p, t] of after.pg) pg += t - (before.pg.get(p) ?? 0);
      return { serverSeconds: (after.server - before.server) / TICK, databaseSeconds: pg / TICK };
    },
  };
}

/** Busy CPU seconds of the whole machine (all cores, everything but idle and I/O wait) since boot. */
export function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + steal) / TICK;
}

/** CPU seconds used by this process's finished children (wrk, pgbench). */
export function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / TICK;
}
