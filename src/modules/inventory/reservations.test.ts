import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { expectLevelsMatchLedger, level, location, receive, variants } from './test-fixtures.js';

let t: TestApp;
let store: string;
let other: string;
beforeAll(async () => {
  t = await startTestApp();
  store = await location(t);
  other = await location(t);
});
afterAll(async () => t?.close());

describe('reservations', () => {
  it('200 concurrent reservations for 50 units: exactly 50 succeed, the rest get 409 insufficient_stock', async () => {
    const [v] = await variants(t);
    await receive(t, v, store, 50);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: store, quantity: 1 }] })),
    );
    const ok = results.filter((r) => r.status === 201);
    expect(ok).toHaveLength(50);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.every((r) => r.status === 409 && r.body.code === 'insufficient_stock' && r.body.field === 'lines.0.quantity')).toBe(true);
    expect(await level(t, v, store)).toMatchObject({ onHand: 50, reserved: 50, available: 0 });
    await expectLevelsMatchLedger(t);
  });

  it('concurrent reservations of 1 to 3 units never take more than there is, and each granted one holds exactly its units', async () => {
    const [v] = await variants(t);
    await receive(t, v, store, 100);
    const asked = Array.from({ length: 120 }, (_, i) => 1 + (i % 3));
    const results = await Promise.all(asked.map((quantity) => t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: store, quantity }], reference: { type: 'order', id: `ord_${quantity}` } })));
    const granted = results.flatMap((r, i) => (r.status === 201 ? [{ body: r.body, quantity: asked[i] }] : []));
    expect(granted.every((g) => g.body.lines[0].quantity === g.quantity && g.body.reference.id === `ord_${g.quantity}`)).toBe(true);
    const taken = granted.reduce((s, g) => s + g.quantity, 0);
    expect(taken).toBeLessThanOrEqual(100);
    expect(taken).toBeGreaterThan(97); // refusals come only when fewer than 3 units are left
    expect(new Set(granted.map((g) => g.body.id)).size).toBe(granted.length);
    expect(await level(t, v, store)).toMatchObject({ onHand: 100, reserved: taken });
    for (const g of granted.slice(0, 5)) expect((await t.call('GET', `/v1/reservations/${g.body.id}`)).body.lines[0].quantity).toBe(g.quantity);
    await expectLevelsMatchLedger(t);
  });

  it('confirming sells the units (on hand drops, a sale in the ledger); releasing gives them back', async () => {
    const [v] = await variants(t);
    await receive(t, v, store, 10);
    const a = await t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: store, quantity: 3 }], reference: { type: 'order', id: 'ord_1' } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ status: 'active', lines: [{ variantId: v, locationId: store, quantity: 3 }] });
    const b = await t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: store, quantity: 2 }] });
    expect(await level(t, v, store)).toMatchObject({ onHand: 10, reserved: 5, available: 5 });

    const confirmed = await t.call('POST', `/v1/reservations/${a.body.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    expect((await t.call('POST', `/v1/reservations/${a.body.id}/confirm`)).body.status).toBe('confirmed');
    expect(await level(t, v, store)).toMatchObject({ onHand: 7, reserved: 2, available: 5 });
    const sales = await t.call('GET', `/v1/stock/movements?variantId=${v}&reason=sale`);
    expect(sales.body.data).toMatchObject([{ delta: -3, reference: { type: 'order', id: 'ord_1' } }]);

    expect((await t.call('POST', `/v1/reservations/${b.body.id}/release`)).body.status).toBe('released');
    expect(await level(t, v, store)).toMatchObject({ onHand: 7, reserved: 0, available: 7 });
    const late = await t.call('POST', `/v1/reservations/${b.body.id}/confirm`);
    expect([late.status, late.body.code]).toEqual([409, 'reservation_expired']);
    expect((await t.call('POST', `/v1/reservations/${a.body.id}/release`)).status).toBe(409);
    expect((await t.call('GET', `/v1/reservations/${b.body.id}`)).body.status).toBe('released');
    await expectLevelsMatchLedger(t);
  });

  it('expired reservations give their stock back through the background job; a null expiry holds on', async () => {
    const [v] = await variants(t);
    await receive(t, v, store, 5);
    const short = await t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: store, quantity: 2 }], expiresInSeconds: 1 });
    const held = await t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: store, quantity: 1 }], expiresInSeconds: null });
    expect(held.body.expiresAt).toBeNull();
    await sql`UPDATE reservation SET expires_at = now() - interval '1 second' WHERE id = ${short.body.id}`.execute(t.omni.database.db);
    const late = await t.call('POST', `/v1/reservations/${short.body.id}/confirm`);
    expect([late.status, late.body.code]).toEqual([409, 'reservation_expired']);
    await t.omni.worker.drain();
    expect((await t.call('GET', `/v1/reservations/${short.body.id}`)).body.status).toBe('expired');
    expect((await t.call('GET', `/v1/reservations/${held.body.id}`)).body.status).toBe('active');
    expect(await level(t, v, store)).toMatchObject({ onHand: 5, reserved: 1, available: 4 });
    await expectLevelsMatchLedger(t);
  });

  it('several lines reserve all or nothing', async () => {
    const [a, b] = await variants(t, 2);
    await receive(t, a, store, 5);
    await receive(t, b, other, 1);
    const fail = await t.call('POST', '/v1/reservations', { lines: [{ variantId: a, locationId: store, quantity: 2 }, { variantId: b, locationId: other, quantity: 2 }] });
    expect([fail.status, fail.body.code, fail.body.field]).toEqual([409, 'insufficient_stock', 'lines.1.quantity']);
    expect(await level(t, a, store)).toMatchObject({ reserved: 0 });
    const ok = await t.call('POST', '/v1/reservations', { lines: [{ variantId: b, locationId: other, quantity: 1 }, { variantId: a, locationId: store, quantity: 2 }] });
    expect(ok.status).toBe(201);
    expect(await level(t, a, store)).toMatchObject({ reserved: 2 });
    expect(await level(t, b, other)).toMatchObject({ reserved: 1, available: 0 });
    await expectLevelsMatchLedger(t);
  });

  it('concurrent reservations of the same three levels in different line orders never deadlock and never oversell', async () => {
    const [a, b, c] = await variants(t, 3);
    for (const v of [a, b, c]) await receive(t, v, store, 30);
    const orders = [[a, b, c], [c, b, a], [b, c, a]];
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      t.call('POST', '/v1/reservations', { lines: orders[i % 3].map((variantId) => ({ variantId, locationId: store, quantity: 1 + (variantId === a ? i % 2 : 0) })) })));
    expect(results.every((r) => r.status === 201 || (r.status === 409 && r.body.code === 'insufficient_stock'))).toBe(true);
    const granted = results.filter((r) => r.status === 201);
    const takenOf = (v: string) => granted.reduce((s, r) => s + r.body.lines.filter((l: any) => l.variantId === v).reduce((n: number, l: any) => n + l.quantity, 0), 0);
    for (const v of [a, b, c]) {
      expect(takenOf(v)).toBeLessThanOrEqual(30);
      expect(await level(t, v, store)).toMatchObject({ onHand: 30, reserved: takenOf(v) });
    }
    // Each granted reservation took a unit of b and c: they run out only when a (1 or 2 a time) did.
    expect(takenOf(b)).toBe(granted.length);
    expect(takenOf(a)).toBeGreaterThanOrEqual(29);
    await expectLevelsMatchLedger(t);
  });

  it('bad input is a 4xx naming the field and changes nothing', async () => {
    const [v] = await variants(t);
    await receive(t, v, store, 5);
    const line = { variantId: v, locationId: store, quantity: 1 };
    const cases: Array<[unknown, number, string, string]> = [
      [{ lines: [{ ...line, quantity: -1 }] }, 400, 'validation_failed', 'lines.0.quantity'],
      [{ lines: [{ ...line, quantity: 1.5 }] }, 400, 'validation_failed', 'lines.0.quantity'],
      [{ lines: [{ ...line, quantity: 0 }] }, 400, 'validation_failed', 'lines.0.quantity'],
      [{ lines: [] }, 400, 'validation_failed', 'lines'],
      [{ lines: [{ ...line, variantId: 'var_nope' }] }, 404, 'unknown_variant', 'lines.0.variantId'],
      [{ lines: [{ ...line, locationId: 'loc_nope' }] }, 404, 'unknown_location', 'lines.0.locationId'],
      [{ lines: [line, { ...line, locationId: 'loc_nope' }] }, 404, 'unknown_location', 'lines.1.locationId'],
      [{ lines: [{ ...line, quantity: 6 }] }, 409, 'insufficient_stock', 'lines.0.quantity'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await t.call('POST', '/v1/reservations', body);
      expect([res.status, res.body.code, res.body.field], JSON.stringify(body)).toEqual([status, code, field]);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await level(t, v, store)).toMatchObject({ onHand: 5, reserved: 0 });
    const stray = await sql<{ n: number }>`SELECT count(*)::int AS n FROM reservation_line WHERE variant_id = ${v}`.execute(t.omni.database.db);
    expect(stray.rows[0].n).toBe(0);
  });

  it('a clerk reserves and adjusts only at their own store', async () => {
    const [v] = await variants(t);
    await receive(t, v, store, 5);
    await receive(t, v, other, 5);
    const clerk = await t.staff('clerk', [store]);
    const mine = await t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: store, quantity: 1 }] }, { token: clerk });
    expect(mine.status).toBe(201);
    const theirs = await t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: other, quantity: 1 }] }, { token: clerk });
    expect([theirs.status, theirs.body.code, theirs.body.field]).toEqual([403, 'store_out_of_scope', 'lines.0.locationId']);
    const adjust = await t.call('POST', '/v1/stock/adjustments', { variantId: v, locationId: other, delta: 1, reason: 'receipt' }, { token: clerk });
    expect(adjust.status).toBe(403);
    const foreign = await t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: other, quantity: 1 }] });
    expect((await t.call('POST', `/v1/reservations/${foreign.body.id}/release`, undefined, { token: clerk })).status).toBe(403);
    expect(await level(t, v, other)).toMatchObject({ onHand: 5, reserved: 1 });
  });

  it("a clerk reads the ledger, reservations and transfers of their own stores, not another's", async () => {
    const [v] = await variants(t);
    const third = await location(t);
    await receive(t, v, store, 5);
    await receive(t, v, other, 5);
    await receive(t, v, third, 5);
    const clerk = await t.staff('clerk', [store]);
    const ledger = await t.call('GET', `/v1/stock/movements?variantId=${v}`, undefined, { token: clerk });
    expect(ledger.body.data.map((m: any) => m.locationId)).toEqual([store]);
    expect((await t.call('GET', `/v1/stock/movements?locationId=${other}`, undefined, { token: clerk })).body).toMatchObject({ status: 403, code: 'store_out_of_scope' });
    const foreign = await t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: other, quantity: 1 }] });
    expect((await t.call('GET', `/v1/reservations/${foreign.body.id}`, undefined, { token: clerk })).status).toBe(403);
    const toMe = await t.call('POST', '/v1/transfers', { sourceLocationId: other, destinationLocationId: store, lines: [{ variantId: v, quantity: 1 }] });
    const elsewhere = await t.call('POST', '/v1/transfers', { sourceLocationId: other, destinationLocationId: third, lines: [{ variantId: v, quantity: 1 }] });
    expect((await t.call('GET', `/v1/transfers/${toMe.body.id}`, undefined, { token: clerk })).status).toBe(200);
    expect((await t.call('GET', `/v1/transfers/${elsewhere.body.id}`, undefined, { token: clerk })).status).toBe(403);
  });

  it('every change of a level writes stock.changed with the new numbers', async () => {
    const [v] = await variants(t);
    await receive(t, v, store, 4);
    await t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: store, quantity: 3 }] });
    const rows = await t.omni.database.db.selectFrom('outbox_event').select('payload').where('type', '=', 'stock.changed').where('aggregate_id', '=', v).orderBy('id').execute();
    const payloads = rows.map((r: any) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));
    expect(payloads).toEqual([
      { variantId: v, locationId: store, onHand: 4, reserved: 0, available: 4 },
      { variantId: v, locationId: store, onHand: 4, reserved: 3, available: 1 },
    ]);
  });
});
