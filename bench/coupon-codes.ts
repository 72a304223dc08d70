/**
 * Coupon codes on PostgreSQL, over HTTP against one server process:
 *  A. generate and store one million unique single-use codes in one request (then a second
 *     million into the now-populated table, where every insert also checks the existing codes);
 *  B. stream the first batch out as CSV, checking every code is there once.
 * Reports seconds and codes/s for each.
 *
 *   npm run bench -- coupon-codes          (BENCH_DATABASE_URL or DATABASE_URL picks the server)
 */
import os from 'node:os';
import pg from 'pg';
import { client } from './lib/load.js';
import { freshDatabase, prepare, startServers } from './lib/server.js';
import { must } from './lib/setup.js';

const CODES = Number(process.env.BENCH_CODES ?? 1_000_000);

async function main() {
  const db = await freshDatabase('coupons');
  let servers: Awaited<ReturnType<typeof startServers>> | undefined;
  try {
    const token = await prepare(db.url);
    servers = await startServers(db.url, 1, 4200);
    const base = servers.urls[0];
    const send = client(base, token);
    await machine(db.url);
    const promotion = await must(send, 'POST', '/v1/promotions', { name: 'Bench 10% off', trigger: 'coupon', currency: 'CNY', rule: { type: 'percentage', percent: 10 }, status: 'active' });
    const template = await must(send, 'POST', '/v1/coupon-templates', { name: 'Bench codes', promotionId: promotion.id, kind: 'unique_codes' });

    const batches = [];
    for (const label of ['A. first million, empty table', 'A. second million, table holds the first']) {
      const started = performance.now();
      const batch = await must(send, 'POST', `/v1/coupon-templates/${template.id}/batches`, { count: CODES });
      const seconds = (performance.now() - started) / 1000;
      batches.push(batch);
      console.log(`\n${label}`);
      console.log(`  ${CODES.toLocaleString('en')} codes in ${seconds.toFixed(2)} s  (${Math.round(CODES / seconds).toLocaleString('en')} codes/s, one request, one transaction)`);
    }

    const started = performance.now();
    const res = await fetch(`${base}/v1/coupon-batches/${batches[0].id}/codes.csv`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok || !res.body) throw new Error(`CSV export → ${res.status}`);
    let firstByte = 0;
    let bytes = 0;
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body) {
      if (!firstByte) firstByte = performance.now() - started;
      bytes += chunk.byteLength;
      text += decoder.decode(chunk, { stream: true });
    }
    const seconds = (performance.now() - started) / 1000;
    const codes = text.trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    const unique = new Set(codes).size;
    console.log('\nB. CSV export of the first batch');
    console.log(`  ${codes.length.toLocaleString('en')} rows (${unique.toLocaleString('en')} distinct), ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s  (${Math.round(codes.length / seconds).toLocaleString('en')} rows/s, first byte after ${firstByte.toFixed(0)} ms)`);
    if (codes.length !== CODES || unique !== CODES) throw new Error('the export does not hold every code exactly once');
  } finally {
    await servers?.stop();
    await db.drop();
  }
}

async function machine(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query('SHOW server_version');
  await c.end();
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} cores ${cpus[0]?.model ?? ''}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load average ${os.loadavg()[0].toFixed(1)}, Node ${process.version}, PostgreSQL ${rows[0].server_version}`);
}

await main();
