/**
 * The O2O loop over HTTP on PostgreSQL:
 *  1. place order: checkout of a ready 3-line cart, pickup in a store, test payment — 32 clients;
 *     each cart holds 3 SKUs drawn from a few hundred (1b: every cart the same 3 hot SKUs; 1c: under a
 *     store-wide promotion with no usage limit, which every order uses; 1f: the database's floor, the
 *     same checkout's reads and writes as bare SQL from pgbench, no server — bench/checkout-floor.sql;
 *     1g: that floor with eight checkouts sharing each transaction, as coalescing them would);
 *  2. the whole shopper journey: create cart, add 3 lines, choose pickup, check out — 16 clients,
 *     after a 3 s warm-up when wrk drives it;
 *  2r. the journey's requests one kind at a time (create, add a line, choose pickup, read), beside a
 *     one-row read — 16 clients each;
 *  3. product listing for a channel with prices, 20 a page, with a storefront key — 16 clients;
 *  4. voucher redemption by store clerks — 32 clients, after a 2 s warm-up on codes of its own.
 *
 *   npm run bench -- o2o
 *   BENCH_DATABASE_URL or DATABASE_URL picks the server; BENCH_REPLICAS server processes;
 *   BENCH_SECONDS per scenario; BENCH_SCENARIOS=1,3 runs only those; BENCH_PORT the first port;
 *   BENCH_PROMOTIONS active promotions priced into every cart (default none).
 */
import os from 'node:os';
import pg from 'pg';
import { client, runLoad, type LoadResult } from './lib/load.js';
import { freshDatabase, prepare, processes, startServers } from './lib/server.js';
import { cpuMeter } from './lib/cpu.js';
import { driveList, haveWrk } from './lib/wrk.js';
import { runJourneys } from './lib/journey.js';
import { havePgbench, runFloor } from './lib/floor.js';
import { createChannel, createLocations, must, receiveStock } from './lib/setup.js';
import { newId } from '../src/platform/ids.js';

const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const PROCESSES = processes(1);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PORT = Number(process.env.BENCH_PORT ?? 4300);
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? '1,1f,1g,1b,1c,2,2r,3,4').split(','));
/** The SKUs a shopper picks from in scenarios 1 and 2: 100 products of 3 variants. */
const PRODUCTS = 100;
/** Voucher codes redeemed in the warm-up of scenario 4: two seconds' worth. */
const WARM_CODES = 8000;
/** Active automatic promotions, each a percentage off one to three of the SKUs. */
const PROMOTIONS = Number(process.env.BENCH_PROMOTIONS ?? 0);

type Cpu = { serverSeconds: number; databaseSeconds: number };

/** CPU per successful request: steadier than requests per second on a machine shared with other work. */
const cpuLine = (cpu: Cpu, ok: number) =>
  `  CPU per ok request: server ${((cpu.serverSeconds * 1000) / Math.max(ok, 1)).toFixed(2)} ms, database ${((cpu.databaseSeconds * 1000) / Math.max(ok, 1)).toFixed(2)} ms`;

function report(name: string, clients: number, r: LoadResult, cpu: Cpu) {
  console.log(`\n${name}`);
  console.log(`  clients ${clients}, servers ${REPLICAS} × ${PROCESSES} processes, machine ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ''}, ${new Date().toISOString()}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`  ok/s ${r.okPerSecond}  (requests/s ${r.requestsPerSecond}, ${r.ok} ok of ${r.requests} in ${r.seconds}s, statuses ${JSON.stringify(r.statuses)})`);
  console.log(`  latency ms p50 ${r.p50}  p90 ${r.p90}  p99 ${r.p99}  max ${r.max}  (load generator CPU ${r.generatorCpu} ms per request)`);
  console.log(cpuLine(cpu, r.ok));
}

/** Three distinct variants drawn at random from `pool`. */
function pick3(pool: string[]): string[] {
  const out = new Set<string>();
  while (out.size < 3) out.add(pool[Math.floor(Math.random() * pool.length)]);
  return [...out];
}

/**
 * Ready carts (3 lines of 1 unit, pickup at the store) written straight into the database: the
 * scenario measures checkout, and building tens of thousands of carts over HTTP would take longer
 * than the measurement itself (scenario 2 times the HTTP way of building them).
 */
async function seedCarts(url: string, channelId: string, storeId: string, lines: string[][]): Promise<string[]> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const ids = lines.map(() => newId('cart'));
    const pickup = JSON.stringify({ type: 'pickup', locationId: storeId });
    await db.query(
      `INSERT INTO cart (id, channel_id, currency, fulfillment, created_by) SELECT id, $2, 'CNY', $3::jsonb, 'bench' FROM unnest($1::text[]) AS id`,
      [ids, channelId, pickup],
    );
    const cartIds = lines.flatMap((l, i) => l.map(() => ids[i]));
    await db.query(
      `INSERT INTO cart_line (id, cart_id, variant_id, quantity) SELECT x.id, x.cart_id, x.variant_id, 1 FROM unnest($1::text[], $2::text[], $3::text[]) AS x(id, cart_id, variant_id)`,
      [cartIds.map(() => newId('cli')), cartIds, lines.flat()],
    );
    return ids;
  } finally {
    await db.end();
  }
}

/**
 * The test payment captures by webhook after the checkout answers: how many of the orders placed
 * were paid when the load stopped, and how long the rest took (a backlog that only grows means the
 * rate above cannot be sustained).
 */
async function reportPaid(url: string, cartIds: string[]): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const count = async () =>
      (await db.query<{ placed: number; captured: number; paid: number }>(
        `SELECT count(*)::int AS placed, count(*) FILTER (WHERE p.status = 'captured')::int AS captured, count(*) FILTER (WHERE o.status <> 'pending_payment')::int AS paid
         FROM sales_order o LEFT JOIN payment p ON p.id = o.payment_id WHERE o.cart_id = ANY($1::text[])`,
        [cartIds],
      )).rows[0];
    const atStop = await count();
    const started = Date.now();
    let now = atStop;
    while (now.paid < now.placed && Date.now() - started < 120_000) {
      await new Promise((r) => setTimeout(r, 250));
      now = await count();
    }
    const waited = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`  when the load stopped: ${atStop.placed} placed, ${atStop.captured} payments captured, ${atStop.paid} orders paid; ${now.paid} of ${now.placed} paid ${waited} s later`);
  } finally {
    await db.end();
  }
}

async function main() {
  const db = await freshDatabase('o2o');
  const token = await prepare(db.url);
  const servers = await startServers(db.url, REPLICAS, PORT, { OMNILOOP_DB_POOL: String(Math.ceil(40 / (REPLICAS * PROCESSES))) }, PROCESSES);
  const sends = servers.urls.map((u) => client(u, token));
  let rr = 0;
  const send = (req: any) => sends[rr++ % sends.length](req);
  try {
    const web = await createChannel(send, 'web');
    const [warehouse, store] = await createLocations(send, 2, 'o2o');
    await must(send, 'PATCH', `/v1/locations/${store.id}`, { services: ['pickup', 'vouchers', 'returns'] });
    await must(send, 'PUT', `/v1/channels/${web.id}/locations`, { locations: [{ locationId: warehouse.id, priority: 0 }, { locationId: store.id, priority: 1 }] });
    // A storefront-shaped catalog: many products of a few variants each (the listing pages through them).
    const goods: string[] = [];
    for (let p = 0; p < PRODUCTS; p++) {
      const product = await must(send, 'POST', '/v1/products', {
        title: `Goods ${p}`,
        status: 'active',
        variants: ['S', 'M', 'L'].map((size, i) => ({ sku: `goods-${p}-${size}`, options: { size }, prices: [{ currency: 'CNY', amount: 9900 + 100 * p + i }] })),
        channelIds: [web.id],
      });
      goods.push(...product.variants.map((v: any) => v.id));
    }
    const hot = goods.slice(0, 3);
    const offers = Array.from({ length: PROMOTIONS }, (_, i) => ({
      name: `offer ${i}`, trigger: 'automatic', stacking: i % 5 ? 'stackable' : 'exclusive', priority: i % 100, currency: 'CNY', status: 'active',
      rule: { type: 'percentage', percent: 5 + (i % 20) }, conditions: { variantIds: [...new Set([i, i * 7, i * 13].map((k) => goods[k % goods.length]))] },
    }));
    const made = await runLoad({
      concurrency: 8,
      send,
      next: () => {
        const body = offers.pop();
        return body ? { method: 'POST', path: '/v1/promotions', body } : null;
      },
      maxSeconds: 600,
    });
    if (made.ok !== PROMOTIONS) throw new Error(`creating promotions failed: ${JSON.stringify(made.statuses)}`);
    await receiveStock(send, goods, [store.id], 1_000_000);
    const pickup = { type: 'pickup', locationId: store.id };
    const checkoutBody = (i: number) => ({ fulfillment: [pickup], contact: { email: `shopper${i % 500}@bench.omniloop.dev` }, payment: { provider: 'test' } });
    const placeOrders = async (name: string, cartLines: string[][]) => {
      const carts = await seedCarts(db.url, web.id, store.id, cartLines);
      const cpu = cpuMeter(servers.pids, db.url);
      const requests = carts.map((id, n) => ({ method: 'POST', path: `/v1/carts/${id}/checkout`, body: checkoutBody(n) }));
      const r = await driveList({ urls: servers.urls, token, requests, concurrency: 32, seconds: SECONDS, send });
      report(`${name} (${r.generator})`, 32, r, cpu.stop());
      if (r.requests > carts.length) console.log(`  (ran out of carts after ${carts.length}: raise the count in the bench)`);
      await reportPaid(db.url, carts);
    };

    // 1. Place order: carts are made first (not measured), then checked out by 32 clients.
    const CARTS = Math.max(4000, SECONDS * 2000);
    if (SCENARIOS.has('1')) await placeOrders(`1. place order (3-line cart of SKUs drawn from ${goods.length}, pickup in store, test payment)`, Array.from({ length: CARTS }, () => pick3(goods)));
    // 1f, 1g. The database's floor under that checkout: its transaction as bare SQL, one checkout
    // to a transaction as the server sends it, then eight sharing one as coalescing would.
    const floor = async (scenario: string, batch: number, name: string) => {
      if (!SCENARIOS.has(scenario)) return;
      if (!havePgbench()) return console.log(`\n${scenario}. skipped: pgbench is not installed`);
      const carts = await seedCarts(db.url, web.id, store.id, Array.from({ length: 1000 * batch }, () => pick3(goods)));
      const f = await runFloor({ url: db.url, channelId: web.id, locationId: store.id, skus: goods, carts, batch, clients: 32, seconds: SECONDS, serverPids: servers.pids });
      console.log(`\n${scenario}. ${name} (bench/checkout-floor.sql, ${batch} checkout${batch > 1 ? 's' : ''} a transaction), no server`);
      console.log(`  clients 32, machine ${os.cpus().length} cores, ${new Date().toISOString()}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
      console.log(`  checkouts/s ${f.perSecond} (${f.checkouts} in ${f.transactions} transactions in ${SECONDS}s), latency average ${f.latencyMs} ms a transaction`);
      console.log(`  CPU per checkout: database ${f.databaseMs} ms (the machine's less the idle servers' and pgbench's), pgbench ${f.pgbenchMs} ms; the machine ${f.busyPercent} % busy`);
    };
    await floor('1f', 1, "the database's floor: scenario 1's checkout transaction as bare SQL from pgbench");
    await floor('1g', 8, 'the same floor with eight checkouts sharing each transaction and its statements');
    if (SCENARIOS.has('1b')) await placeOrders('1b. place order, every cart the same 3 hot SKUs (contention on their stock rows)', Array.from({ length: CARTS }, () => hot));
    if (SCENARIOS.has('1c')) {
      const offer = await must(send, 'POST', '/v1/promotions', { name: 'store-wide 10 % off', trigger: 'automatic', stacking: 'stackable', currency: 'CNY', status: 'active', rule: { type: 'percentage', percent: 10 } });
      await placeOrders('1c. place order under a store-wide promotion (10 % off every cart, no usage limit)', Array.from({ length: CARTS }, () => pick3(goods)));
      const counted = await must(send, 'GET', `/v1/promotions/${offer.id}`);
      console.log(`  the promotion's counters when every order was paid: used ${counted.used}, spent ${counted.spent}`);
      await must(send, 'POST', `/v1/promotions/${offer.id}/deactivate`, {});
    }

    // 2. The whole journey, each request timed; a journey counts when its checkout succeeds.
    const newCart = async (lines: string[]) => {
      const cart = await send({ method: 'POST', path: '/v1/carts', body: { channelId: web.id } });
      if (cart.status !== 201) return cart;
      let last = cart;
      for (const variantId of lines) last = await send({ method: 'POST', path: `/v1/carts/${cart.body.id}/lines`, body: { variantId, quantity: 1 } });
      if (last.status >= 300) return last;
      return send({ method: 'PUT', path: `/v1/carts/${cart.body.id}/fulfillment`, body: pickup });
    };
    if (SCENARIOS.has('2') && servers.urls.length === 1 && haveWrk()) {
      const journeys = (seconds: number) => runJourneys({ baseUrl: servers.urls[0], token, channelId: web.id, storeId: store.id, skus: goods, clients: 16, seconds });
      // Warm-up (not measured): run alone, a server would otherwise be timed while its JIT compiles the journey's code.
      await journeys(3);
      const cpu = cpuMeter(servers.pids, db.url);
      const j = await journeys(SECONDS);
      const used = cpu.stop();
      console.log(`\n2. whole journey (create cart, add 3 lines drawn from ${goods.length} SKUs, choose pickup, pay and place; ${PROMOTIONS} active promotions) (wrk)`);
      console.log(`  clients 16, servers 1 × ${PROCESSES} processes, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}: journeys/s ${j.perSecond} (${j.journeys} in ${j.seconds}s, ${j.requests} requests, failed ${JSON.stringify(j.failed)}), journey p50 ${j.p50} ms, p99 ${j.p99} ms (load generator CPU ${j.generatorMs} ms per journey)`);
      console.log(cpuLine(used, j.journeys).replace('request', 'journey'));
    } else if (SCENARIOS.has('2')) {
      let journeys = 0;
      const statuses: Record<number, number> = {};
      const started = Date.now();
      const latencies: number[] = [];
      const cpu = cpuMeter(servers.pids, db.url);
      await Promise.all(Array.from({ length: 16 }, async (_, c) => {
        for (let i = 0; Date.now() - started < SECONDS * 1000; i++) {
          const t0 = Date.now();
          const ready = await newCart(pick3(goods));
          if (ready.status >= 300) {
            statuses[ready.status] = (statuses[ready.status] ?? 0) + 1;
            continue;
          }
          const done = await send({ method: 'POST', path: `/v1/carts/${ready.body.id}/checkout`, body: checkoutBody(c + 16 * i) });
          statuses[done.status] = (statuses[done.status] ?? 0) + 1;
          if (done.status < 300) {
            journeys++;
            latencies.push(Date.now() - t0);
          }
        }
      }));
      const used = cpu.stop();
      latencies.sort((a, b) => a - b);
      const secs = (Date.now() - started) / 1000;
      console.log(`\n2. whole journey (create cart, add 3 lines drawn from ${goods.length} SKUs, choose pickup, pay and place; ${PROMOTIONS} active promotions)`);
      console.log(`  clients 16, servers ${REPLICAS} × ${PROCESSES} processes, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}: journeys/s ${Math.round(journeys / secs)} (${journeys} in ${secs.toFixed(1)}s, checkout statuses ${JSON.stringify(statuses)}), journey p50 ${latencies[Math.floor(latencies.length / 2)]} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]} ms`);
      console.log(cpuLine(used, journeys).replace('request', 'journey'));
    }

    // 2r. The journey's requests one kind at a time, against a one-row read: what each costs.
    if (SCENARIOS.has('2r')) {
      // Cart i holds goods 3i, 3i + 1 and 3i + 2 (of 300), so adding goods 3i adds one more of a line held.
      const held = (i: number, k: number) => goods[(3 * i + k) % goods.length];
      const carts = await seedCarts(db.url, web.id, store.id, Array.from({ length: 2000 }, (_, i) => [0, 1, 2].map((k) => held(i, k))));
      const kinds: Array<[string, Array<{ method: string; path: string; body?: unknown }>]> = [
        ['a one-row read (GET the channel)', [{ method: 'GET', path: `/v1/channels/${web.id}` }]],
        ['create a cart', [{ method: 'POST', path: '/v1/carts', body: { channelId: web.id } }]],
        ['add a line (one more of a line held, 3-line cart)', carts.map((id, i) => ({ method: 'POST', path: `/v1/carts/${id}/lines`, body: { variantId: held(i, 0), quantity: 1 } }))],
        ['choose pickup (3-line cart)', carts.map((id) => ({ method: 'PUT', path: `/v1/carts/${id}/fulfillment`, body: pickup }))],
        ['read a priced cart (3 lines)', carts.map((id) => ({ method: 'GET', path: `/v1/carts/${id}` }))],
      ];
      const secs = Math.max(3, Math.round(SECONDS / 2));
      for (const [name, requests] of kinds) {
        await driveList({ urls: servers.urls, token, requests, concurrency: 16, seconds: 2, send }); // warm-up
        const cpu = cpuMeter(servers.pids, db.url);
        const r = await driveList({ urls: servers.urls, token, requests, concurrency: 16, seconds: secs, send });
        report(`2r. ${name} (${r.generator})`, 16, r, cpu.stop());
      }
    }

    // 3. Storefront listing with a publishable key: the first two pages of 20 products.
    if (SCENARIOS.has('3')) {
      const pk = (await must(send, 'POST', '/v1/api-keys', { name: 'storefront', kind: 'publishable', scopes: ['catalog:read'] })).token;
      const shopSends = servers.urls.map((u) => client(u, pk));
      const firstPage = await shopSends[0]({ method: 'GET', path: `/v1/channels/${web.id}/products?limit=20` });
      if (firstPage.body.data.length !== 20 || !firstPage.body.nextCursor) throw new Error('the listing should fill a page and have more');
      const requests = [`/v1/channels/${web.id}/products?limit=20`, `/v1/channels/${web.id}/products?limit=20&cursor=${firstPage.body.nextCursor}`].map((path) => ({ method: 'GET', path }));
      let k = 0;
      const cpu = cpuMeter(servers.pids, db.url);
      const listing = await driveList({ urls: servers.urls, token: pk, requests, concurrency: 16, seconds: SECONDS, send: (r) => shopSends[k++ % shopSends.length](r) });
      report(`3. product listing for a channel with prices (20 products of 3 variants a page) (${listing.generator})`, 16, listing, cpu.stop());
    }

    // 4. Voucher redemption by 32 clerks of the store.
    if (SCENARIOS.has('4')) {
      const service = await must(send, 'POST', '/v1/products', { title: 'Styling session', status: 'active', type: 'service', variants: [{ sku: 'SVC-STYLE', prices: [{ currency: 'CNY', amount: 29900 }] }], channelIds: [web.id] });
      const template = await must(send, 'POST', '/v1/voucher-templates', { name: 'Styling session', variantId: service.variants[0].id, usesPerVoucher: 1, validity: { days: 90 }, validAt: { scope: 'own_stores' }, faceValue: { amount: 29900, currency: 'CNY' } });
      const codes: string[] = [];
      // One code a request, each redeemed once: enough for the scenario's seconds at a few thousand a second.
      for (let i = 0; i < Math.max(8, SECONDS * 8) + WARM_CODES / 1000; i++) codes.push(...(await must(send, 'POST', '/v1/vouchers/issue', { templateId: template.id, quantity: 1000, reason: 'bench' })).data.map((v: any) => v.code));
      await must(send, 'POST', '/v1/staff', { email: 'clerk@bench.omniloop.dev', name: 'Clerk', role: 'clerk', storeIds: [store.id], password: 'bench clerk password' });
      const session = await must(send, 'POST', '/v1/auth/sessions', { email: 'clerk@bench.omniloop.dev', password: 'bench clerk password' });
      const clerkSends = servers.urls.map((u) => client(u, session.token));
      let v = 0;
      const redeemAll = (list: string[], seconds: number) =>
        driveList({ urls: servers.urls, token: session.token, requests: list.map((code) => ({ method: 'POST', path: '/v1/vouchers/redeem', body: { code, locationId: store.id } })), concurrency: 32, seconds, send: (r) => clerkSends[v++ % clerkSends.length](r) });
      // Warm-up (not measured), on codes of its own: the JIT, the clerk's token, the prepared statements.
      await redeemAll(codes.splice(0, WARM_CODES), 2);
      const cpu = cpuMeter(servers.pids, db.url);
      const redeem = await redeemAll(codes, SECONDS);
      report(`4. voucher redemption by store clerks (${redeem.generator})`, 32, redeem, cpu.stop());
      if (redeem.requests > codes.length) console.log(`  (ran out of codes after ${codes.length}: raise the count in the bench)`);
    }
  } finally {
    await servers.stop();
    await db.drop();
  }
}

await main();
