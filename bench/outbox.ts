/**
 * The outbox relay in-process on PostgreSQL: writes BENCH_EVENTS events (default 60,000; ten per
 * transaction from 8 connections, an order's worth each), then relays them all with no handlers,
 * timing the relay alone: its own cost per event, what every event written pays on top of its write.
 * Then the steady state on top of that history: ROUNDS times ten events written and relayed, each
 * pass starting a round, as a live relay does; milliseconds per pass.
 *
 *   npm run bench -- outbox
 */
import os from 'node:os';
import { loadConfig } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { EventHandlers, drainOutbox, emitAll } from '../src/platform/outbox.js';
import { cpuMeter } from './lib/cpu.js';
import { freshDatabase } from './lib/server.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 60_000);
const ROUNDS = 200;
/** An order.placed-sized payload. */
const payload = { orderId: 'ord_0123456789abcdef', customerId: 'cus_0123456789', lines: [{ variantId: 'var_1', quantity: 1, total: 9900 }], currency: 'CNY', grandTotal: 29700, channelId: 'chn_1' };

const fresh = await freshDatabase('outbox');
const database = await openDatabase({ ...loadConfig(), databaseUrl: fresh.url });
try {
  await migrate(database.db);
  const db = database.db;
  let started = performance.now();
  await Promise.all(Array.from({ length: 8 }, async (_, w) => {
    for (let i = w; i < EVENTS / 10; i += 8) {
      await db.transaction().execute((tx) => emitAll(tx, Array.from({ length: 10 }, (_, k) => ({ type: 'order.placed', aggregateId: `ord_${i}_${k}`, payload }))));
    }
  }));
  const wrote = performance.now() - started;
  const none = new EventHandlers();
  const cpu = cpuMeter([process.pid], fresh.url);
  started = performance.now();
  let relayed = 0;
  for (let n = await drainOutbox(db, none); n > 0; n = await drainOutbox(db, none)) relayed += n;
  const took = performance.now() - started;
  const used = cpu.stop();
  console.log(`outbox relay, ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ''}, ${new Date().toISOString()}`);
  console.log(`  wrote ${EVENTS} events in ${(wrote / 1000).toFixed(1)} s; relayed ${relayed} in ${(took / 1000).toFixed(2)} s: ${((took * 1000) / relayed).toFixed(1)} µs per event`);
  console.log(`  CPU per event relayed: this process ${((used.serverSeconds * 1e6) / relayed).toFixed(1)} µs, database ${((used.databaseSeconds * 1e6) / relayed).toFixed(1)} µs`);

  const write10 = (r: number) => db.transaction().execute((tx) => emitAll(tx, Array.from({ length: 10 }, (_, k) => ({ type: 'order.placed', aggregateId: `live_${r}_${k}`, payload }))));
  let passes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    await write10(r);
    const t0 = performance.now();
    while ((await drainOutbox(db, none)) > 0);
    passes += performance.now() - t0;
  }
  console.log(`  then ${ROUNDS} times ten events written and relayed on top of that history: ${(passes / ROUNDS).toFixed(2)} ms per relay`);
} finally {
  await database.close();
  await fresh.drop();
}
