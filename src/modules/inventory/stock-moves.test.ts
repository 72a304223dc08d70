import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { expectLevelsMatchLedger, level, location, receive, variants } from './test-fixtures.js';

let t: TestApp;
let a: string;
let b: string;
beforeAll(async () => {
  t = await startTestApp();
  a = await location(t);
  b = await location(t, { kind: 'warehouse' });
});
afterAll(async () => t?.close());

describe('adjustments and the ledger', () => {
  it('receipts, returns and corrections move on hand and are listed in the ledger, newest first, by cursor', async () => {
    const [v] = await variants(t);
    await receive(t, v, a, 10);
    expect((await t.call('POST', '/v1/stock/adjustments', { variantId: v, locationId: a, delta: 2, reason: 'return', note: 'customer return' })).body).toMatchObject({ onHand: 12 });
    expect((await t.call('POST', '/v1/stock/adjustments', { variantId: v, locationId: a, delta: -3, reason: 'adjustment', note: 'damaged' })).body).toMatchObject({ onHand: 9, available: 9 });
    await t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: a, quantity: 8 }] });
    const tooMuch = await t.call('POST', '/v1/stock/adjustments', { variantId: v, locationId: a, delta: -2, reason: 'adjustment' });
    expect([tooMuch.status, tooMuch.body.code, tooMuch.body.field]).toEqual([409, 'insufficient_stock', 'delta']);
    const page1 = await t.call('GET', `/v1/stock/movements?variantId=${v}&limit=2`);
    expect(page1.body.data.map((m: any) => [m.reason, m.delta])).toEqual([['adjustment', -3], ['return', 2]]);
    const page2 = await t.call('GET', `/v1/stock/movements?variantId=${v}&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toMatchObject({ data: [{ reason: 'receipt', delta: 10 }], nextCursor: null });
    expect(await level(t, v, a)).toMatchObject({ onHand: 9, reserved: 8 });
  });

  it('bad adjustments name the field and change nothing', async () => {
    const [v] = await variants(t);
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ delta: 1.5 }, 400, 'validation_failed', 'delta'],
      [{ delta: 0 }, 400, 'validation_failed', 'delta'],
      [{ delta: -1, reason: 'receipt' }, 400, 'validation_failed', 'delta'],
      [{ reason: 'sale' }, 400, 'validation_failed', 'reason'],
      [{ variantId: 'var_nope' }, 404, 'unknown_variant', 'variantId'],
      [{ locationId: 'loc_nope' }, 404, 'unknown_location', 'locationId'],
    ];
    for (const [over, status, code, field] of cases) {
      const res = await t.call('POST', '/v1/stock/adjustments', { variantId: v, locationId: a, delta: 1, reason: 'receipt', ...over });
      expect([res.status, res.body.code, res.body.field], JSON.stringify(over)).toEqual([status, code, field]);
    }
    expect((await t.call('GET', `/v1/stock/movements?variantId=${v}`)).body.data).toEqual([]);
  });
});

describe('transfers', () => {
  it('ship takes stock out at the source, receive (partly, then fully) adds it at the destination', async () => {
    const [v, w] = await variants(t, 2);
    await receive(t, v, a, 10);
    await receive(t, w, a, 4);
    const made = await t.call('POST', '/v1/transfers', { sourceLocationId: a, destinationLocationId: b, lines: [{ variantId: v, quantity: 6 }, { variantId: w, quantity: 4 }] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.status).toBe('draft');
    expect(await level(t, v, a)).toMatchObject({ onHand: 10 });

    const shipped = await t.call('POST', `/v1/transfers/${made.body.id}/ship`);
    expect(shipped.body.status).toBe('in_transit');
    expect(await level(t, v, a)).toMatchObject({ onHand: 4 });
    expect(await level(t, v, b)).toMatchObject({ onHand: 0 });
    expect((await t.call('POST', `/v1/transfers/${made.body.id}/cancel`)).status).toBe(409);

    const partial = await t.call('POST', `/v1/transfers/${made.body.id}/receive`, { lines: [{ variantId: v, quantity: 5 }] });
    expect(partial.body).toMatchObject({ status: 'in_transit', lines: expect.arrayContaining([{ variantId: v, quantity: 6, receivedQuantity: 5 }]) });
    const over = await t.call('POST', `/v1/transfers/${made.body.id}/receive`, { lines: [{ variantId: v, quantity: 2 }] });
    expect([over.status, over.body.field]).toEqual([400, 'lines.0.quantity']);
    const rest = await t.call('POST', `/v1/transfers/${made.body.id}/receive`, {});
    expect(rest.body.status).toBe('received');
    expect(await level(t, v, b)).toMatchObject({ onHand: 6 });
    expect(await level(t, w, b)).toMatchObject({ onHand: 4 });
    const ledger = await t.call('GET', `/v1/stock/movements?variantId=${v}&reason=transfer_in`);
    expect(ledger.body.data.map((m: any) => m.delta).sort()).toEqual([1, 5]);
    await expectLevelsMatchLedger(t);
  });

  it('refuses a transfer to the same location, unknown ids, and shipping more than is available', async () => {
    const [v] = await variants(t);
    await receive(t, v, a, 2);
    const same = await t.call('POST', '/v1/transfers', { sourceLocationId: a, destinationLocationId: a, lines: [{ variantId: v, quantity: 1 }] });
    expect([same.status, same.body.field]).toEqual([400, 'destinationLocationId']);
    const unknown = await t.call('POST', '/v1/transfers', { sourceLocationId: a, destinationLocationId: 'loc_nope', lines: [{ variantId: v, quantity: 1 }] });
    expect([unknown.status, unknown.body.code, unknown.body.field]).toEqual([404, 'unknown_location', 'destinationLocationId']);
    const negative = await t.call('POST', '/v1/transfers', { sourceLocationId: a, destinationLocationId: b, lines: [{ variantId: v, quantity: -1 }] });
    expect([negative.status, negative.body.field]).toEqual([400, 'lines.0.quantity']);
    const big = await t.call('POST', '/v1/transfers', { sourceLocationId: a, destinationLocationId: b, lines: [{ variantId: v, quantity: 3 }] });
    const ship = await t.call('POST', `/v1/transfers/${big.body.id}/ship`);
    expect([ship.status, ship.body.code]).toEqual([409, 'insufficient_stock']);
    expect((await t.call('GET', `/v1/transfers/${big.body.id}`)).body.status).toBe('draft');
    expect((await t.call('POST', `/v1/transfers/${big.body.id}/cancel`)).body.status).toBe('cancelled');
    expect(await level(t, v, a)).toMatchObject({ onHand: 2 });
  });
});

describe('counts', () => {
  it('posts the difference as a count movement, and refuses to count below what is reserved', async () => {
    const [v, w] = await variants(t, 2);
    await receive(t, v, a, 10);
    await t.call('POST', '/v1/reservations', { lines: [{ variantId: v, locationId: a, quantity: 3 }] });
    const counted = await t.call('POST', '/v1/stock/counts', { locationId: a, lines: [{ variantId: v, counted: 8 }, { variantId: w, counted: 2 }] });
    expect(counted.status, JSON.stringify(counted.body)).toBe(201);
    expect(counted.body.lines).toEqual(expect.arrayContaining([
      { variantId: v, expected: 10, counted: 8, difference: -2 },
      { variantId: w, expected: 0, counted: 2, difference: 2 },
    ]));
    expect(await level(t, v, a)).toMatchObject({ onHand: 8, reserved: 3, available: 5 });
    expect(await level(t, w, a)).toMatchObject({ onHand: 2 });
    const below = await t.call('POST', '/v1/stock/counts', { locationId: a, lines: [{ variantId: w, counted: 5 }, { variantId: v, counted: 2 }] });
    expect([below.status, below.body.code, below.body.field]).toEqual([409, 'count_below_reserved', 'lines.1.counted']);
    expect(await level(t, w, a)).toMatchObject({ onHand: 2 });
    await expectLevelsMatchLedger(t);
  });
});
