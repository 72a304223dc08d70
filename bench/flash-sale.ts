/**
 * Flash sale over HTTP on PostgreSQL: 200 concurrent clients reserve one unit each until sold out.
 *  A. one SKU with 10,000 units at one location;
 *  B. reservations spread over 1,000 SKUs at 4 locations.
 * Reports reservations/s, latency percentiles and the oversold count (reserved beyond stock).
 *
 *   npm run bench -- flash-sale            (BENCH_DATABASE_URL or DATABASE_URL picks the server)
 */
import os from 'node:os';
import { client, runLoad } from './lib/load.js';
import { cpuMeter } from './lib/cpu.js';
import { freshDatabase, prepare, processes, startServers } from './lib/server.js';
import { createChannel, createLocations, createVariants, must, receiveStock } from './lib/setup.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const PROCESSES = processes(1);

async function main() {
  const db = await freshDatabase('flash');
  const token = await prepare(db.url);
  const servers = await startServers(db.url, REPLICAS, 4100, { OMNILOOP_DB_POOL: String(Math.ceil(40 / (REPLICAS * PROCESSES))) }, PROCESSES);
  const sends = servers.urls.map((u) => client(u, token));
  const send = (req: any) => sends[Math.floor(Math.random() * sends.length)](req);
  try {
    const channel = await createChannel(send, 'flash');
    const locations = await createLocations(send, 4, 'fl');
    const [hot, warm] = await createVariants(send, 2, 'hot', [channel.id]);
    await receiveStock(send, [hot.id, warm.id], [locations[0].id], 10_000);
    // Warm-up (not measured): opens the servers' database connections and lets the JIT settle.
    await runLoad({
      concurrency: CLIENTS, send, maxSeconds: 3,
      next: () => ({ method: 'POST', path: '/v1/reservations', body: { lines: [{ variantId: warm.id, locationId: locations[0].id, quantity: 1 }], expiresInSeconds: 900 } }),
      onResponse: (res) => res.status === 409,
    });

    const cpuA = cpuMeter(servers.pids, db.url);
    const a = await runLoad({
      concurrency: CLIENTS,
      send,
      next: () => ({ method: 'POST', path: '/v1/reservations', body: { lines: [{ variantId: hot.id, locationId: locations[0].id, quantity: 1 }], expiresInSeconds: 900 } }),
      onResponse: (res) => res.status === 409, // sold out: this client stops
      maxSeconds: 120,
    });
    const usedA = cpuA.stop();
    const [levelA] = (await must(send, 'GET', `/v1/stock?variantId=${hot.id}&locationId=${locations[0].id}`)).data;
    const oversoldA = Math.max(0, a.ok - 10_000) + Math.max(0, levelA.reserved - levelA.onHand);
    report('A. one SKU, 10,000 units, one location', a, { reserved: levelA.reserved, onHand: levelA.onHand, oversold: oversoldA }, usedA);

    const spread = await createVariants(send, 1000, 'spread', [channel.id]);
    const locIds = locations.map((l: any) => l.id);
    await receiveStock(send, spread.map((v) => v.id), locIds, 5);
    const total = 1000 * 4 * 5;
    let issued = 0;
    const cpuB = cpuMeter(servers.pids, db.url);
    const b = await runLoad({
      concurrency: CLIENTS,
      send,
      next: () => {
        if (issued++ >= total * 1.1) return null; // enough to sell most out and hit empty shelves
        const v = spread[Math.floor(Math.random() * spread.length)];
        return { method: 'POST', path: '/v1/reservations', body: { lines: [{ variantId: v.id, locationId: locIds[Math.floor(Math.random() * 4)], quantity: 1 }], expiresInSeconds: 900 } };
      },
      maxSeconds: 120,
    });
    const usedB = cpuB.stop();
    const levels = (await must(send, 'GET', `/v1/stock?locationId=${locIds.join(',')}`)).data as Array<{ variantId: string; onHand: number; reserved: number }>;
    const spreadIds = new Set(spread.map((v) => v.id));
    let reserved = 0;
    let oversoldB = 0;
    for (const l of levels) {
      if (!spreadIds.has(l.variantId)) continue;
      reserved += l.reserved;
      oversoldB += Math.max(0, l.reserved - l.onHand);
    }
    oversoldB += Math.max(0, b.ok - reserved);
    report('B. 1,000 SKUs x 4 locations, 5 units each', b, { reserved, onHand: total, oversold: oversoldB }, usedB);
  } finally {
    await servers.stop();
    await db.drop();
  }
}

function report(name: string, r: Awaited<ReturnType<typeof runLoad>>, stock: Record<string, number>, cpu: { serverSeconds: number; databaseSeconds: number }) {
  console.log(`\n${name}`);
  console.log(`  clients ${CLIENTS}, servers ${REPLICAS} × ${PROCESSES} processes, machine ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ''}`);
  console.log(`  successful reservations/s ${r.okPerSecond}  (requests/s ${r.requestsPerSecond}, ${r.ok} ok of ${r.requests} in ${r.seconds}s, statuses ${JSON.stringify(r.statuses)})`);
  console.log(`  latency ms p50 ${r.p50}  p90 ${r.p90}  p99 ${r.p99}  max ${r.max}  (load generator CPU ${r.generatorCpu} ms per request)`);
  console.log(`  stock ${JSON.stringify(stock)}`);
  const per = (s: number) => ((s * 1000) / r.requests).toFixed(3);
  console.log(`  CPU per request: server ${per(cpu.serverSeconds)} ms, database ${per(cpu.databaseSeconds)} ms (load average ${os.loadavg()[0].toFixed(1)})`);
}

await main();
