/**
 * Promotion pricing.
 *  A. in-process: evaluatePromotions over a snapshot of 1,000 active promotions of every rule type
 *     and condition, a 10-line cart with 5 presented coupons; 20,000 timed runs after warm-up, for
 *     the shopper's price (explain: false) and the explained preview.
 *  B. over HTTP on PostgreSQL: POST /v1/promotions/preview from 32 concurrent clients for ~15 s,
 *     with the same 1,000 promotions created through the API: first the shopper's price (applied
 *     promotions per line), then the operator's explained preview (also why the rest did not apply).
 *
 *   npm run bench -- pricing            (BENCH_DATABASE_URL or DATABASE_URL picks the server;
 *                                        BENCH_PART=in-process or http runs one part;
 *                                        BENCH_REPLICAS server processes share the load)
 */
import os from 'node:os';
import { buildSnapshot, evaluatePromotions, type PricingInput, type Promotion } from '../src/modules/promotions/index.js';
import { promo } from '../src/modules/promotions/promotions.fixtures.js';
import { client, runLoad } from './lib/load.js';
import { freshDatabase, prepare, processes, startServers } from './lib/server.js';
import { createChannel, createLocations, must } from './lib/setup.js';
import { driveList } from './lib/wrk.js';
import { cpuMeter } from './lib/cpu.js';

const PROMOTIONS = 1000;
const COUPONS = 5;
const RUNS = 20_000;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const PROCESSES = processes('cores');
/** Carts and most offers draw on the first HOT variants (the best sellers). */
const HOT = 1000;
/** How often each kind of automatic offer occurs among the 1,000 (out of 100). */
const KINDS = Object.entries({ sku: 35, product: 15, category: 15, bxgy: 8, bundle: 8, member: 8, shipping: 2, gift: 4, sitewide: 5 }).flatMap(([k, n]) => Array<string>(n).fill(k));

/** A seeded generator, so every run prices the same catalog of offers. */
function rng(seed: number) {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)],
  };
}

interface World {
  variantIds: string[];
  productOf: (variant: number) => string;
  categoryOf: (variant: number) => string;
  channelIds: string[];
  storeIds: string[];
}

type Definition = Omit<Promotion, 'id' | 'status' | 'used' | 'spent' | 'createdAt' | 'updatedAt'>;

/**
 * Offers shaped like a busy store's: most target a few hot SKUs, products or categories; some run
 * store-wide on one channel, at certain hours or for certain tiers; a fifth are exclusive.
 */
function definitions(w: World, seed = 7): Definition[] {
  const r = rng(seed);
  const hot = () => (r.next() < 0.6 ? r.int(0, HOT - 1) : r.int(0, w.variantIds.length - 1));
  const now = Date.now();
  const out: Definition[] = [];
  for (let i = 0; i < PROMOTIONS + COUPONS; i++) {
    const coupon = i >= PROMOTIONS;
    const kind = coupon ? r.pick(['percentage', 'fixed', 'threshold']) : r.pick(KINDS);
    const d: Definition = {
      name: `${kind} ${i}`,
      description: null,
      trigger: coupon ? 'coupon' : 'automatic',
      stacking: coupon ? (i === PROMOTIONS ? 'exclusive' : 'stackable') : r.next() < 0.2 ? 'exclusive' : 'stackable',
      priority: r.int(0, 100),
      currency: 'CNY',
      rule: { type: 'percentage', percent: r.int(5, 30) },
      conditions: {},
      timeZone: 'Asia/Shanghai',
      startsAt: new Date(now - 86_400_000).toISOString(),
      endsAt: new Date(now + (r.next() < 0.05 ? -1 : 30) * 86_400_000 + 3_600_000).toISOString(),
      usageLimit: r.next() < 0.1 ? 1_000_000 : null,
      perCustomerLimit: null,
      budget: r.next() < 0.1 ? 100_000_000 : null,
    };
    const c = d.conditions;
    if (r.next() < 0.3) c.channelIds = [r.pick(w.channelIds)];
    if (r.next() < 0.1) c.customerTiers = [r.pick(['gold', 'silver', 'platinum'])];
    if (r.next() < 0.05) c.daysOfWeek = [1, 2, 3, 4, 5];
    if (r.next() < 0.05) c.hours = { start: '10:00', end: '22:00' };
    switch (kind) {
      case 'sku':
        c.variantIds = Array.from({ length: r.int(1, 5) }, () => w.variantIds[hot()]);
        break;
      case 'product':
        c.productIds = Array.from({ length: r.int(1, 3) }, () => w.productOf(hot()));
        d.rule = { type: 'fixed', amount: r.int(5, 50) * 100 };
        break;
      case 'category':
        c.categoryIds = [w.categoryOf(hot())];
        d.rule = { type: 'threshold', tiers: [{ minSubtotal: 20_000, discount: 3000 }, { minSubtotal: 50_000, discount: 10_000 }] };
        break;
      case 'bxgy':
        c.categoryIds = [w.categoryOf(hot())];
        d.rule = { type: 'buy_x_get_y', buy: r.int(1, 3), get: 1, percent: r.pick([100, 50]) };
        break;
      case 'bundle':
        d.rule = { type: 'bundle', items: [...new Set([hot(), hot(), hot()])].map((v) => ({ variantId: w.variantIds[v], quantity: 1 })), price: r.int(100, 400) * 100 };
        if (d.rule.items.length < 2) d.rule.items.push({ variantId: w.variantIds[(hot() + 1) % w.variantIds.length], quantity: 1 });
        break;
      case 'member':
        d.rule = { type: 'member_price', prices: [...new Set(Array.from({ length: r.int(10, 50) }, hot))].map((v) => ({ variantId: w.variantIds[v], amount: r.int(40, 200) * 100 })) };
        break;
      case 'shipping':
        d.rule = { type: 'free_shipping' };
        c.minSubtotal = r.int(50, 200) * 100;
        break;
      case 'gift':
        d.rule = { type: 'gift', variantId: w.variantIds[r.int(0, w.variantIds.length - 1)], quantity: 1 };
        c.categoryIds = [w.categoryOf(hot())];
        c.minSubtotal = r.int(100, 500) * 100;
        break;
      case 'sitewide':
        c.channelIds = [r.pick(w.channelIds)];
        if (r.next() < 0.3) c.storeIds = [r.pick(w.storeIds)];
        d.rule = { type: 'percentage', percent: r.int(5, 15), maxDiscount: 5000 };
        break;
      case 'fixed':
        d.rule = { type: 'fixed', amount: r.int(10, 50) * 100 };
        break;
      case 'threshold':
        d.rule = { type: 'threshold', tiers: [{ minSubtotal: 10_000, discount: 1000 }, { minSubtotal: 30_000, discount: 4000 }] };
        break;
    }
    out.push(d);
  }
  return out;
}

function carts(w: World, couponIds: string[], n: number, seed = 11): PricingInput[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => ({
    channelId: w.channelIds[0],
    channelKind: 'web',
    locationId: w.storeIds[0],
    customerId: 'cus_bench',
    customerTier: 'gold',
    isFirstOrder: false,
    currency: 'CNY',
    lines: Array.from({ length: 10 }, (_, i) => {
      const v = r.int(0, HOT - 1);
      return { lineId: `l${i}`, variantId: w.variantIds[v], productId: w.productOf(v), categoryIds: [w.categoryOf(v)], quantity: r.int(1, 3), unitPrice: r.int(50, 300) * 100 };
    }),
    shipping: 1000,
    couponPromotionIds: couponIds,
  }));
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function inProcess() {
  const w: World = {
    variantIds: Array.from({ length: 5000 }, (_, i) => `var_${i}`),
    productOf: (v) => `prod_${Math.floor(v / 10)}`,
    categoryOf: (v) => `cat_${Math.floor(v / 10) % 100}`,
    channelIds: ['chn_web', 'chn_app', 'chn_mini', 'chn_pos', 'chn_market'],
    storeIds: ['loc_1', 'loc_2', 'loc_3', 'loc_4'],
  };
  const promos = definitions(w).map((d) => promo({ ...d }));
  const snapshot = buildSnapshot(promos);
  const couponIds = promos.filter((p) => p.trigger === 'coupon').map((p) => p.id);
  const sample = carts(w, couponIds, 100);
  // The shopper's price (explain: false), then the operator's explained preview.
  for (const explain of [false, true]) {
    const carts = sample.map((cart) => ({ ...cart, explain }));
    for (let i = 0; i < 2000; i++) evaluatePromotions(snapshot, carts[i % carts.length]);
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    let applied = 0;
    for (let i = 0; i < RUNS; i++) {
      const cart = carts[i % carts.length];
      const t0 = process.hrtime.bigint();
      const r = evaluatePromotions(snapshot, cart);
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
      applied += r.applied.length;
    }
    const cpu = process.cpuUsage(cpu0);
    times.sort((a, b) => a - b);
    console.log(`\nA. in-process evaluatePromotions (explain: ${explain}): ${PROMOTIONS} active promotions, 10-line carts, ${COUPONS} coupons, ${RUNS} runs`);
    console.log(`  per cart: ${(applied / RUNS).toFixed(1)} promotions applied`);
    console.log(`  latency µs p50 ${pct(times, 50).toFixed(1)}  p99 ${pct(times, 99).toFixed(1)}  max ${times.at(-1)!.toFixed(1)}  (CPU µs per cart, mean ${((cpu.user + cpu.system) / RUNS).toFixed(1)})`);
  }
}

async function overHttp() {
  const db = await freshDatabase('pricing');
  const token = await prepare(db.url);
  const servers = await startServers(db.url, REPLICAS, 4360, { OMNILOOP_DB_POOL: String(Math.ceil(20 / (REPLICAS * PROCESSES))) }, PROCESSES);
  const sends = servers.urls.map((u) => client(u, token));
  const send = (req: Parameters<(typeof sends)[number]>[0]) => sends[Math.floor(Math.random() * sends.length)](req);
  try {
    const channels: Array<{ id: string }> = [];
    for (const kind of ['web', 'app', 'mini_program', 'pos', 'marketplace']) channels.push(await createChannel(send, `pr-${kind}`, kind));
    const stores = await createLocations(send, 4, 'pr');
    // 200 products of 10 variants, as in the in-process catalog, so product offers are as selective.
    const products: Array<{ id: string; variants: Array<{ id: string }> }> = [];
    let p = 0;
    const made = await runLoad({
      concurrency: 8,
      send,
      next: () => {
        if (p >= 200) return null;
        const n = p++;
        const variants = Array.from({ length: 10 }, (_, i) => ({ sku: `pr-${n}-${i}`, prices: [{ currency: 'CNY', amount: 9900 + i * 100 }] }));
        return { method: 'POST', path: '/v1/products', body: { title: `pr product ${n}`, status: 'active', variants, channelIds: [channels[0].id] } };
      },
      onResponse: (res) => void (res.status === 201 && products.push(res.body)),
      maxSeconds: 600,
    });
    if (made.ok !== 200) throw new Error(`creating products failed: ${JSON.stringify(made.statuses)}`);
    const variants = products.flatMap((pr) => pr.variants.map((v) => ({ id: v.id, productId: pr.id })));
    const w: World = {
      variantIds: variants.map((v) => v.id),
      productOf: (v) => variants[v].productId,
      categoryOf: (v) => `cat_${Math.floor(v / 10) % 100}`,
      channelIds: channels.map((c) => c.id),
      storeIds: stores.filter((s: any) => s.kind === 'store').map((s: any) => s.id),
    };
    const defs = definitions(w);
    const created: string[] = [];
    const setup = await runLoad({
      concurrency: 16,
      send,
      next: (_c, _i) => {
        const d = defs.shift();
        return d ? { method: 'POST', path: '/v1/promotions', body: { ...d, status: 'active' } } : null;
      },
      onResponse: (res) => void (res.status === 201 && created.push(res.body.id)),
      maxSeconds: 600,
    });
    if (setup.ok !== PROMOTIONS + COUPONS) throw new Error(`creating promotions failed: ${JSON.stringify(setup.statuses)}`);
    const coupons = (await must(send, 'GET', '/v1/promotions?trigger=coupon&limit=500')).data.map((p: any) => p.id);
    const sample = carts(w, coupons, 100);
    // Warm-up: the first pricing builds the server's snapshot; a few seconds more warm the JIT.
    await must(send, 'POST', '/v1/promotions/preview', { cart: sample[0] });
    await runLoad({ concurrency: CLIENTS, send, next: (c, i) => ({ method: 'POST', path: '/v1/promotions/preview', body: { cart: sample[(c + i) % sample.length], explain: i % 2 === 0 } }), maxSeconds: 3 });
    // The price a shopper's cart needs (applied promotions per line), then the operator's
    // explained preview that also says why every other candidate did not apply.
    for (const explain of [false, true]) {
      // What the carts get, read once; then the load itself, whose answers nobody needs to parse.
      let applied = 0;
      let considered = 0;
      for (const cart of sample) {
        const res = await must(send, 'POST', '/v1/promotions/preview', { cart, explain });
        applied += res.applied.length;
        considered += res.applied.length + res.notApplied.length;
      }
      const cpu = cpuMeter(servers.pids, db.url);
      const requests = sample.map((cart) => ({ method: 'POST', path: '/v1/promotions/preview', body: { cart, explain } }));
      const r = await driveList({ urls: servers.urls, token, requests, concurrency: CLIENTS, seconds: SECONDS, send });
      console.log(`\nB. POST /v1/promotions/preview (explain: ${explain}) over HTTP on PostgreSQL: ${PROMOTIONS} promotions, ${CLIENTS} clients (${r.generator}), servers ${REPLICAS} × ${PROCESSES} processes`);
      console.log(`  per cart: ${(applied / sample.length).toFixed(1)} promotions applied${explain ? `, ${(considered / sample.length).toFixed(1)} considered` : ''}`);
      console.log(`  requests/s ${r.requestsPerSecond}  (${r.ok} ok of ${r.requests} in ${r.seconds}s, statuses ${JSON.stringify(r.statuses)})`);
      console.log(`  latency ms p50 ${r.p50}  p90 ${r.p90}  p99 ${r.p99}  max ${r.max}  (load generator CPU ${r.generatorCpu} ms per request)`);
      const used = cpu.stop();
      console.log(`  CPU per request: server ${((used.serverSeconds * 1000) / r.requests).toFixed(2)} ms, database ${((used.databaseSeconds * 1000) / r.requests).toFixed(2)} ms (load average now ${os.loadavg()[0].toFixed(1)})`);
    }
  } finally {
    await servers.stop();
    await db.drop();
  }
}

const cpus = os.cpus();
console.log(`machine: ${cpus.length} cores ${cpus[0]?.model ?? ''}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const part = process.env.BENCH_PART; // 'in-process' or 'http' runs only that part
if (part !== 'http') inProcess();
if (part !== 'in-process') await overHttp();
