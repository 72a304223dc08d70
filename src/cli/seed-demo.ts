import cliProgress from 'cli-progress';
import type { Omniloop } from '../app.js';
import { SYSTEM } from '../platform/auth.js';
import { createApiKey, createStaff, listApiKeys, revokeApiKey } from '../modules/access/index.js';
import { AppError } from '../platform/errors.js';
import { APPOINTMENT_SERVICES, CATEGORIES, CHANNELS, LOCATIONS, PRODUCTS, SERVICES } from './demo-data.js';
import { HISTORY_DAYS, seedTrade, type Shop } from './demo-trade.js';
import { backdateOrders } from './demo-history.js';
import { seedPartner } from './demo-partner.js';

export const DEMO_OWNER = { email: 'owner@demo.omniloop.dev', password: 'omniloop-demo' };

/** A deterministic pseudo-random sequence, so every demo database holds the same stock and trade. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

/**
 * Loads the demo brand through the public API (the same validation an integrator's import gets),
 * then four weeks of trade and today's, so every screen has something to show. Does nothing when
 * the database already holds it. Returns the sign-in to print.
 */
export async function seedDemo(omni: Omniloop, opts: { progress?: boolean } = {}): Promise<{ email: string; password: string }> {
  const db = omni.database.db;
  const sys = { db, actor: SYSTEM, requestId: 'seed' };
  // The demo owner is added even where a first start already made another owner.
  await createStaff(sys, { email: DEMO_OWNER.email, name: 'Demo owner', role: 'owner', password: DEMO_OWNER.password }).catch((err) => {
    if (!(err instanceof AppError && err.code === 'already_exists')) throw err;
  });
  const key = await createApiKey(sys, { name: 'demo seed', kind: 'secret', scopes: ['*'] });
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await omni.app.inject({ method: method as any, url, headers: { authorization: `Bearer ${key.token}` }, ...(body ? { payload: body as any } : {}) });
    if (res.statusCode >= 300) throw new Error(`demo seed: ${method} ${url} → ${res.statusCode} ${res.body}`);
    return res.body ? JSON.parse(res.body) : null;
  };
  try {
    const existing = await call('GET', '/v1/channels');
    if (existing.data.some((c: any) => c.code === 'web')) return DEMO_OWNER;

    const channels: Record<string, any> = {};
    for (const c of CHANNELS) channels[c.code] = await call('POST', '/v1/channels', { ...c, currency: 'CNY' });
    const locations: Record<string, any> = {};
    for (const l of LOCATIONS) locations[l.code] = await call('POST', '/v1/locations', { ...l, timezone: 'Asia/Shanghai', phone: '+862162880000' });
    const stores = LOCATIONS.filter((l) => l.kind === 'store').map((l) => locations[l.code]);
    const warehouse = locations['WH-JD'];

    // Online channels ship from the warehouse first, then the flagship; the POS sells store stock.
    const online = [{ locationId: warehouse.id, priority: 0 }, ...stores.map((s, i) => ({ locationId: s.id, priority: 10 + i }))];
    for (const code of ['web', 'app', 'mini', 'tmall']) await call('PUT', `/v1/channels/${channels[code].id}/locations`, { locations: online });
    await call('PUT', `/v1/channels/${channels.pos.id}/locations`, { locations: stores.map((s) => ({ locationId: s.id, priority: 0 })) });
    await call('PUT', `/v1/channels/${channels.tmall.id}/safety-stock`, { quantity: 2 });
    // Stores keep most of their stock for walk-in shoppers.
    for (const s of stores) await call('PUT', `/v1/locations/${s.id}/online-cap`, { cap: 5 });

    for (const [role, store] of [['operator', null], ['marketer', null], ['analyst', null], ['clerk', 'SH-NJR'], ['clerk', 'SH-XTD'], ['clerk', 'SH-JAS']] as const) {
      const email = store ? `clerk.${store.toLowerCase()}@demo.omniloop.dev` : `${role}@demo.omniloop.dev`;
      await createStaff(sys, { email, name: store ? `Clerk ${locations[store].name}` : role, role, storeIds: store ? [locations[store].id] : [], password: DEMO_OWNER.password });
    }

    const categories: Record<string, any> = {};
    for (const [i, c] of CATEGORIES.entries()) categories[c.slug] = await call('POST', '/v1/categories', { ...c, position: i });

    const allChannels = Object.values(channels).map((c) => c.id);
    const rand = prng(20261123);
    const bar = opts.progress ? new cliProgress.SingleBar({ format: 'demo brand |{bar}| {value}/{total} products, then days of trade' }, cliProgress.Presets.shades_classic) : null;
    bar?.start(PRODUCTS.length + SERVICES.length + HISTORY_DAYS + 1, 0);
    const goods: Shop['goods'] = [];
    const services: Shop['services'] = [];
    // Opening stock, counted at each location once the catalog exists: one count per location.
    const opening = new Map<string, Array<{ variantId: string; counted: number }>>([warehouse, ...stores].map((l) => [l.id, []]));
    for (const [i, p] of PRODUCTS.entries()) {
      // A few Tmall prices differ on purpose, so the price-consistency report has something to show.
      const tmallMarkup = i % 12 === 0;
      const product = await call('POST', '/v1/products', {
        title: p.title,
        status: 'active',
        categoryId: categories[p.category].id,
        media: [{ url: `https://img.demo.omniloop.dev/${p.code}.jpg`, alt: p.title }],
        variants: p.variants.map((v, n) => ({
          sku: `${p.code}-${v.color.toUpperCase()}-${v.size}`,
          barcode: `69${String(i + 1).padStart(4, '0')}${String(n).padStart(6, '0')}`,
          options: { color: v.color, size: v.size },
          prices: [{ currency: 'CNY', amount: p.price }, ...(tmallMarkup ? [{ currency: 'CNY', amount: Math.round((p.price * 105) / 100), channelId: channels.tmall.id }] : [])],
        })),
        channelIds: allChannels,
      });
      for (const v of product.variants) {
        goods.push({ variantId: v.id, price: p.price });
        opening.get(warehouse.id)!.push({ variantId: v.id, counted: 40 + Math.floor(rand() * 80) });
        for (const s of stores) {
          const units = Math.floor(rand() * 12);
          if (units > 0) opening.get(s.id)!.push({ variantId: v.id, counted: units });
        }
      }
      bar?.increment();
    }
    for (const [locationId, lines] of opening) await call('POST', '/v1/stock/counts', { locationId, lines });
    for (const [title, price] of SERVICES) {
      const service = await call('POST', '/v1/products', {
        title,
        status: 'active',
        type: 'service',
        categoryId: categories.services.id,
        variants: [{ sku: `SVC-${title.split(':')[0].replace(/[^A-Za-z]/g, '').slice(0, 12).toUpperCase()}`, prices: [{ currency: 'CNY', amount: price }] }],
        channelIds: allChannels.filter((id) => id !== channels.tmall.id),
      });
      // Bought online, it becomes a voucher good at any of the brand's stores.
      await call('POST', '/v1/voucher-templates', {
        name: title,
        variantId: service.variants[0].id,
        usesPerVoucher: 1,
        validity: { days: 90 },
        validAt: { scope: 'own_stores' },
        faceValue: { amount: price, currency: 'CNY' },
      });
      services.push({ variantId: service.variants[0].id });
      bar?.increment();
    }
    const appointmentServices = [];
    for (const { stores: at, price, ...a } of APPOINTMENT_SERVICES) {
      appointmentServices.push(await call('POST', '/v1/appointment-services', {
        ...a,
        price: price ? { amount: price, currency: 'CNY' } : null,
        locations: at.map((code) => ({ locationId: locations[code].id })),
      }));
    }

    // The past is placed now and moved back before any of its events is handled (see backdateOrders),
    // so a running worker pauses until the story is written.
    if (omni.config.worker) await omni.worker.stop();
    const shop: Shop = { channels, stores, goods, services, appointmentServices };
    const past = await seedTrade(call, shop, rand, () => bar?.increment());
    await backdateOrders(db, past);
    await seedPartner(call, sys, { channelIds: allChannels.filter((id) => id !== channels.tmall.id), categoryId: categories.services.id, webChannelId: channels.web.id, password: DEMO_OWNER.password });
    await omni.worker.drain();
    if (omni.config.worker) omni.worker.start();
    bar?.stop();
    return DEMO_OWNER;
  } finally {
    await revokeApiKey(sys, key.id);
  }
}

const STOREFRONT_KEY_NAME = 'demo storefront';

/**
 * A publishable key for the demo storefront link. Its secret is shown only when made, so each demo
 * start makes a new one and revokes the previous demo key.
 */
export async function demoStorefrontKey(omni: Omniloop): Promise<string> {
  const sys = { db: omni.database.db, actor: SYSTEM, requestId: 'seed' };
  for (const k of await listApiKeys(sys)) if (k.name === STOREFRONT_KEY_NAME && !k.revokedAt) await revokeApiKey(sys, k.id);
  return (await createApiKey(sys, { name: STOREFRONT_KEY_NAME, kind: 'publishable', scopes: ['catalog:read', 'inventory:read'] })).token;
}
