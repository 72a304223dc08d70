import { expect } from 'vitest';
import { sql } from 'kysely';
import type { TestApp } from '../../../tests/harness.js';

let seq = 0;

/** Creates a product with `n` variants through the catalog API; returns their ids. */
export async function variants(t: TestApp, n = 1): Promise<string[]> {
  const tag = `INV${++seq}${Date.now().toString(36)}`;
  const res = await t.call('POST', '/v1/products', { title: `Product ${tag}`, variants: Array.from({ length: n }, (_, i) => ({ sku: `${tag}-${i}` })) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.variants.map((v: any) => v.id);
}

/** Creates a store or warehouse through the stores API. */
export async function location(t: TestApp, over: Record<string, unknown> = {}): Promise<string> {
  const res = await t.call('POST', '/v1/locations', {
    kind: 'store',
    code: `LOC-${++seq}`,
    name: `Location ${seq}`,
    address: { line1: '1 Test Rd', city: 'Shanghai', country: 'cn' },
    geo: { lat: 31.23, lng: 121.47 },
    timezone: 'Asia/Shanghai',
    ...over,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

export async function channel(t: TestApp, kind = 'web'): Promise<string> {
  const res = await t.call('POST', '/v1/channels', { code: `ch-${++seq}`, name: `Channel ${seq}`, kind, currency: 'CNY' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

export async function receive(t: TestApp, variantId: string, locationId: string, delta: number): Promise<void> {
  const res = await t.call('POST', '/v1/stock/adjustments', { variantId, locationId, delta, reason: 'receipt' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

export async function level(t: TestApp, variantId: string, locationId: string) {
  const res = await t.call('GET', `/v1/stock?variantId=${variantId}&locationId=${locationId}`);
  return res.body.data[0] ?? { variantId, locationId, onHand: 0, reserved: 0, available: 0 };
}

/** Every level equals its ledger (on hand) and its active reservation lines (reserved). */
export async function expectLevelsMatchLedger(t: TestApp): Promise<void> {
  const res = await sql<{ variant_id: string; location_id: string; on_hand: number; ledger: number; reserved: number; held: number }>`
    SELECT s.variant_id, s.location_id, s.on_hand, s.reserved,
      COALESCE((SELECT sum(m.delta) FROM stock_movement m WHERE m.variant_id = s.variant_id AND m.location_id = s.location_id), 0)::int AS ledger,
      COALESCE((SELECT sum(l.quantity) FROM reservation_line l JOIN reservation r ON r.id = l.reservation_id
        WHERE r.status = 'active' AND l.variant_id = s.variant_id AND l.location_id = s.location_id), 0)::int AS held
    FROM stock_level s`.execute(t.omni.database.db);
  for (const r of res.rows) {
    expect({ onHand: Number(r.on_hand), reserved: Number(r.reserved) }, `${r.variant_id}@${r.location_id}`).toEqual({ onHand: Number(r.ledger), reserved: Number(r.held) });
  }
}
