import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrCreateCustomer } from '../customers/index.js';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { issueVouchers, voidVouchersForOrderLine } from './index.js';
import { eventsOf, voucherWorld } from './test-fixtures.js';

let t: TestApp;
let w: Awaited<ReturnType<typeof voucherWorld>>;
beforeAll(async () => {
  t = await startTestApp();
  w = await voucherWorld(t);
});
afterAll(async () => t?.close());

const redeem = (code: string, locationId: string, token: string) => t.call('POST', '/v1/vouchers/redeem', { code, locationId }, { token });
/** Two uses, good at these locations, each redemption owing partner A 33.33. */
const lensTemplate = (name: string, locationIds: string[]) =>
  w.ok('POST', '/v1/voucher-templates', {
    name,
    usesPerVoucher: 2,
    validity: { days: 90 },
    validAt: { scope: 'locations', locationIds },
    faceValue: { amount: 30000, currency: 'CNY' },
    settlement: { partnerId: w.partnerA.id, amountPerRedemption: 3333 },
  });
const issue = async (templateId: string, quantity: number, customerId?: string) => (await w.ok('POST', '/v1/vouchers/issue', { templateId, quantity, reason: 'partner promo', customerId })).data as any[];

/** Parses the statement CSV (quoted cells with "" escapes) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.trimEnd().split('\r\n')) {
    const cells: string[] = [];
    for (const m of line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
      cells.push(m[1].startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : m[1]);
      if (m[2] === '') break;
    }
    rows.push(cells);
  }
  return rows;
}

describe('partner settlement', () => {
  it('owes a partner for each redemption at its stores, offsets reversals, and states it for a period as JSON and CSV', async () => {
    const start = new Date(Date.now() - 1000).toISOString();
    const tpl = await lensTemplate('Lens voucher', [w.own.id, w.a1.id, w.a2.id]);
    const [v1, v2] = await issue(tpl.id, 2);
    // What partner A is paid is A's business: its clerks and the brand's staff see it, B's do not.
    const payout = async (token?: string) => (await t.call('GET', `/v1/voucher-templates/${tpl.id}`, undefined, token ? { token } : {})).body.settlement;
    expect(await payout()).toEqual({ partnerId: w.partnerA.id, amountPerRedemption: 3333 });
    expect(await payout(w.clerks.a1)).toEqual({ partnerId: w.partnerA.id, amountPerRedemption: 3333 });
    expect(await payout(w.clerks.b1)).toBeNull();
    const listed = (await t.call('GET', '/v1/voucher-templates', undefined, { token: w.clerks.b1 })).body.data;
    expect(listed.find((x: any) => x.id === tpl.id).settlement).toBeNull();
    const r1 = (await redeem(v1.code, w.a1.id, w.clerks.a1)).body;
    await redeem(v1.code, w.a2.id, w.clerks.a2);
    await redeem(v2.code, w.a1.id, w.clerks.a1);
    // At the brand's own store nobody is owed anything.
    expect((await redeem(v2.code, w.own.id, w.clerks.own)).status).toBe(201);
    expect((await t.call('POST', `/v1/voucher-redemptions/${r1.id}/reverse`, undefined, { token: w.clerks.a1 })).status).toBe(200);
    const end = new Date(Date.now() + 1000).toISOString();

    const s = await t.call('GET', `/v1/partners/${w.partnerA.id}/statement?from=${start}&to=${end}`);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ partnerId: w.partnerA.id, partnerName: 'Bright Optics', currency: 'CNY' });
    expect(s.body.lines.map((l: any) => [l.kind, l.locationId, l.amount])).toEqual([
      ['redemption', w.a1.id, 3333],
      ['redemption', w.a2.id, 3333],
      ['redemption', w.a1.id, 3333],
      ['reversal', w.a1.id, -3333],
    ]);
    expect(s.body.lines[0]).toMatchObject({ voucherId: v1.id, redemptionId: r1.id, locationName: 'Bright Optics Xuhui, "2F"' });
    expect(s.body.totals).toEqual({ redemptions: 3, reversals: 1, gross: 9999, reversed: -3333, net: 6666 });
    expect(s.body.lines.reduce((a: number, l: any) => a + l.amount, 0)).toBe(s.body.totals.net);

    const csvByAccept = await t.call('GET', `/v1/partners/${w.partnerA.id}/statement?from=${start}&to=${end}`, undefined, { headers: { accept: 'text/csv' } });
    expect(csvByAccept.status).toBe(200);
    expect(csvByAccept.headers['content-type']).toContain('text/csv');
    expect(csvByAccept.headers['content-disposition']).toContain('attachment; filename="statement-');
    const csvByParam = await t.call('GET', `/v1/partners/${w.partnerA.id}/statement?from=${start}&to=${end}&format=csv`);
    expect(csvByParam.body).toBe(csvByAccept.body);
    const [header, ...rows] = parseCsv(csvByAccept.body);
    expect(header).toEqual(['entry_id', 'occurred_at', 'kind', 'voucher_id', 'redemption_id', 'location_id', 'location_name', 'amount_minor', 'currency']);
    const total = rows.pop()!;
    expect(total[0]).toBe('total');
    expect(rows).toHaveLength(4);
    expect(rows[0][6]).toBe('Bright Optics Xuhui, "2F"');
    const amount = header.indexOf('amount_minor');
    expect(rows.reduce((a, r) => a + Number(r[amount]), 0)).toBe(Number(total[amount]));
    expect(Number(total[amount])).toBe(6666);

    // Nothing for partner B; nothing for a period before the redemptions.
    const b = await t.call('GET', `/v1/partners/${w.partnerB.id}/statement?from=${start}&to=${end}`);
    expect(b.body).toMatchObject({ lines: [], totals: { net: 0 } });
    const before = await t.call('GET', `/v1/partners/${w.partnerA.id}/statement?from=2026-01-01&to=${start}`);
    expect(before.body.lines).toEqual([]);
    const backwards = await t.call('GET', `/v1/partners/${w.partnerA.id}/statement?from=${end}&to=${start}`);
    expect(backwards.body).toMatchObject({ code: 'validation_failed', field: 'to' });

    const spec = await t.call('GET', '/openapi.json', undefined, { token: null });
    expect(Object.keys(spec.body.paths['/v1/partners/{id}/statement'].get.responses['200'].content)).toEqual(['application/json', 'text/csv']);

    // A partner's clerk reads their partner's statement; another's is as if it did not exist.
    expect((await t.call('GET', `/v1/partners/${w.partnerA.id}/statement?from=${start}&to=${end}`, undefined, { token: w.clerks.a2 })).status).toBe(200);
    expect((await t.call('GET', `/v1/partners/${w.partnerA.id}/statement?from=${start}&to=${end}`, undefined, { token: w.clerks.b1 })).status).toBe(404);
  });

  it('partners are listed and their creation is an event', async () => {
    const list = await t.call('GET', '/v1/partners');
    expect(list.body.data.map((p: any) => p.name)).toEqual(['Bright Optics', 'Clear View']);
    expect(list.body.data[0]).toMatchObject({ contact: { name: 'Ms Lin', email: 'lin@bright.example' }, settlement: { currency: 'CNY', cycle: 'monthly', paymentDays: 30, notes: null } });
    expect(await eventsOf(t, 'partner.created', w.partnerA.id)).toEqual([{ id: w.partnerA.id, name: 'Bright Optics' }]);
    const bad = await t.call('POST', '/v1/partners', { name: 'X', settlement: { currency: 'cny', cycle: 'monthly', paymentDays: 30 } });
    expect(bad.body).toMatchObject({ code: 'validation_failed', field: 'settlement.currency' });
    expect((await t.call('POST', '/v1/partners', { name: 'X', settlement: { currency: 'CNY', cycle: 'monthly', paymentDays: 1 } }, { token: w.clerks.a1 })).status).toBe(403);
    // A partner's clerk sees their own partner only; a brand clerk none.
    expect((await t.call('GET', '/v1/partners', undefined, { token: w.clerks.a2 })).body.data.map((p: any) => p.name)).toEqual(['Bright Optics']);
    expect((await t.call('GET', `/v1/partners/${w.partnerB.id}`, undefined, { token: w.clerks.a2 })).status).toBe(404);
    expect((await t.call('GET', `/v1/partners/${w.partnerA.id}`, undefined, { token: w.clerks.a2 })).status).toBe(200);
    expect((await t.call('GET', '/v1/partners', undefined, { token: w.clerks.own })).body.data).toEqual([]);
  });

  it("a partner's clerk does not look up the brand's customers; the brand's own clerk does", async () => {
    const search = (token: string) => t.call('GET', '/v1/customers?q=a', undefined, { token });
    expect(await search(w.clerks.a2)).toMatchObject({ status: 403, body: { code: 'forbidden', scope: 'customers:read' } });
    expect((await search(w.clerks.own)).status).toBe(200);
    const me = (await t.call('GET', '/v1/auth/me', undefined, { token: w.clerks.a2 })).body;
    expect(me.scopes).not.toContain('customers:read');
    expect(me.scopes).toContain('orders:write');
    // Their store leaves the partner: from the next request on, they are the brand's clerk.
    await t.call('PATCH', `/v1/locations/${w.a2.id}`, { partnerId: null });
    expect((await search(w.clerks.a2)).status).toBe(200);
    await t.call('PATCH', `/v1/locations/${w.a2.id}`, { partnerId: w.partnerA.id });
    expect((await search(w.clerks.a2)).status).toBe(403);
  });
});

describe('vouchers as a clerk sees them', () => {
  it("a clerk sees a voucher without whose it is, and a partner's payout only when it is their partner's", async () => {
    const customer = await findOrCreateCustomer(t.ctx, { email: 'lens@settlement.test' });
    const tpl = await lensTemplate('Lens voucher for three', [w.own.id, w.a1.id, w.b1.id]);
    const [v] = await issue(tpl.id, 1, customer.id);
    const payoutA = { partnerId: w.partnerA.id, amountPerRedemption: 3333 };
    const seen = async (token?: string) => (await t.call('GET', `/v1/vouchers/${v.id}`, undefined, token ? { token } : {})).body;
    expect(await seen()).toMatchObject({ customerId: customer.id, settlement: payoutA });
    expect(await seen(w.clerks.a1)).toMatchObject({ customerId: null, settlement: payoutA });
    expect(await seen(w.clerks.b1)).toMatchObject({ customerId: null, settlement: null });
    expect(await seen(w.clerks.own)).toMatchObject({ customerId: null, settlement: null });
    const listed = (await t.call('GET', `/v1/vouchers?templateId=${tpl.id}`, undefined, { token: w.clerks.b1 })).body.data;
    expect(listed.map((x: any) => [x.id, x.customerId, x.settlement])).toEqual([[v.id, null, null]]);
    const looked = (await t.call('GET', `/v1/vouchers/by-code/${v.code}?locationId=${w.b1.id}`, undefined, { token: w.clerks.b1 })).body;
    expect(looked.voucher).toMatchObject({ customerId: null, settlement: null });
    const atB = (await redeem(v.code, w.b1.id, w.clerks.b1)).body;
    expect(atB.voucher).toMatchObject({ customerId: null, settlement: null });
    const atA = (await redeem(v.code, w.a1.id, w.clerks.a1)).body;
    expect(atA.voucher).toMatchObject({ customerId: null, settlement: payoutA });
    expect((await t.call('POST', `/v1/voucher-redemptions/${atB.id}/reverse`, undefined, { token: w.clerks.b1 })).body.voucher).toMatchObject({ customerId: null, settlement: null });
  });

  it("a partner's clerk cannot open a cart for a named customer or check out for a contact; the brand's clerk can", async () => {
    const customer = await findOrCreateCustomer(t.ctx, { email: 'cart@settlement.test' });
    const channel = await w.ok('POST', '/v1/channels', { code: 'settle-web', name: 'Web', kind: 'web', currency: 'CNY' });
    const open = (token: string, customerId: string) => t.call('POST', '/v1/carts', { channelId: channel.id, customerId }, { token });
    for (const id of [customer.id, 'cus_nobody']) expect((await open(w.clerks.a1, id)).body).toMatchObject({ status: 403, code: 'forbidden', field: 'customerId' });
    expect((await open(w.clerks.own, customer.id)).status).toBe(201);
    // Nor check out a guest cart for a contact, which would find the customer it belongs to.
    const guest = (await t.call('POST', '/v1/carts', { channelId: channel.id }, { token: w.clerks.a1 })).body;
    const checkout = (token: string) => t.call('POST', `/v1/carts/${guest.id}/checkout`, { contact: { email: 'cart@settlement.test' }, payment: { provider: 'manual', method: 'qr' } }, { token });
    expect((await checkout(w.clerks.a1)).body).toMatchObject({ status: 403, code: 'forbidden', field: 'contact' });
    expect((await checkout(w.clerks.own)).body).toMatchObject({ code: 'cart_empty' });
  });
});

describe('vouchers of an order line', () => {
  const ctx = () => t.ctx;
  const templateFor = (variantId: string, name: string, usesPerVoucher: number) =>
    w.ok('POST', '/v1/voucher-templates', {
      name,
      variantId,
      usesPerVoucher,
      validity: { days: 365 },
      validAt: { scope: 'partners', partnerIds: [w.partnerA.id] },
      faceValue: { amount: 1000, currency: 'CNY' },
    });
  let card: any;
  beforeAll(async () => {
    card = await templateFor(w.examCard.id, '3-class card', 3);
    await templateFor(w.exam.id, 'Single exam', 1);
  });

  it('issues once per paid line, and voiding refunds only the uses not yet redeemed, to the fen', async () => {
    const line = { orderId: 'ord_test1', orderLineId: 'oln_test1', customerId: null, variantId: w.examCard.id, quantity: 2, unitPrice: 1000 };
    const issued = await issueVouchers(ctx(), line);
    expect(issued.map((v) => [v.templateId, v.usesTotal, v.paidAmount, v.orderLineId])).toEqual([
      [card.id, 3, 1000, 'oln_test1'],
      [card.id, 3, 1000, 'oln_test1'],
    ]);
    expect((await issueVouchers(ctx(), line)).map((v) => v.id)).toEqual(issued.map((v) => v.id));

    // One use of the first voucher is consumed: its two uses left refund 1000 × 2 / 3, rounded down.
    expect((await redeem(issued[0].code, w.a1.id, w.clerks.a1)).status).toBe(201);
    const untouchedFirst = await voidVouchersForOrderLine(ctx(), { orderLineId: 'oln_test1', quantity: 1 });
    expect(untouchedFirst).toEqual({ voided: 1, refundableAmount: 1000 });
    const rest = await voidVouchersForOrderLine(ctx(), { orderLineId: 'oln_test1' });
    expect(rest).toEqual({ voided: 1, refundableAmount: 666 });
    expect(await voidVouchersForOrderLine(ctx(), { orderLineId: 'oln_test1' })).toEqual({ voided: 0, refundableAmount: 0 });
    expect(await eventsOf(t, 'voucher.voided', issued[0].id)).toEqual([expect.objectContaining({ usesForfeited: 2, refundableAmount: 666 })]);

    const refused = await redeem(issued[0].code, w.a1.id, w.clerks.a1);
    expect(refused.body.code).toBe('voucher_voided');
    const http = await t.call('POST', `/v1/vouchers/${issued[1].id}/void`, { reason: 'x' });
    expect(http.body.code).toBe('invalid_state');
  });

  it('a fully used voucher is not refunded', async () => {
    const [v] = await issueVouchers(ctx(), { orderId: 'ord_test2', orderLineId: 'oln_test2', customerId: null, variantId: w.exam.id, quantity: 1, unitPrice: 19900 });
    await redeem(v.code, w.a2.id, w.clerks.a2);
    expect(await voidVouchersForOrderLine(ctx(), { orderLineId: 'oln_test2' })).toEqual({ voided: 0, refundableAmount: 0 });
  });

  it('a line total that does not divide by quantity is split to the fen, and refunds add up to it', async () => {
    const line = { orderId: 'ord_test3', orderLineId: 'oln_test3', customerId: null, variantId: w.exam.id, quantity: 3, unitPrice: 3333, lineTotal: 10000 };
    const issued = await issueVouchers(ctx(), line);
    expect(issued.map((v) => v.paidAmount)).toEqual([3334, 3333, 3333]);
    expect(await voidVouchersForOrderLine(ctx(), { orderLineId: 'oln_test3' })).toEqual({ voided: 3, refundableAmount: 10000 });
  });
});
