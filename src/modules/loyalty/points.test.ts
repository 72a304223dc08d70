import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { inTx } from '../../platform/db.js';
import { enrolMember, quotePointsDeduction, refundSpentPoints, spendPoints } from './index.js';
import { eventsOf, lotSum, membership, newCustomer, ok } from './test-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

async function memberWith(points: number): Promise<string> {
  const customerId = await newCustomer(t);
  await ok(t.call('POST', '/v1/members', { customerId }), 201);
  if (points) await ok(t.call('POST', `/v1/members/${customerId}/points/adjust`, { points, reason: 'welcome gift' }), 201);
  return customerId;
}

const setExpiry = (customerId: string, points: number, expiresAt: Date) =>
  t.omni.database.db.updateTable('loyalty_lot').set({ expires_at: expiresAt }).where('customer_id', '=', customerId).where('points', '=', points).execute();

describe('the points ledger', () => {
  it('enrolling twice keeps one membership; an unknown customer names the field', async () => {
    const customerId = await newCustomer(t);
    const first = await ok(t.call('POST', '/v1/members', { customerId }), 201);
    const again = await ok(t.call('POST', '/v1/members', { customerId }), 200);
    expect(again.id).toBe(first.id);
    const unknown = await t.call('POST', '/v1/members', { customerId: 'cus_nobody' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'not_found', field: 'customerId' });
    const notMember = await t.call('GET', `/v1/members/${await newCustomer(t)}`);
    expect(notMember.body).toMatchObject({ code: 'member_not_found' });
    expect(notMember.status).toBe(404);
  });

  it('spending takes the soonest-expiring lots first, and expired lots leave the balance', async () => {
    const customerId = await memberWith(0);
    await ok(t.call('POST', `/v1/members/${customerId}/points/adjust`, { points: 300, reason: 'late' }), 201);
    await ok(t.call('POST', `/v1/members/${customerId}/points/adjust`, { points: 100, reason: 'early' }), 201);
    await setExpiry(customerId, 300, new Date(Date.now() + 90 * 86400_000));
    await setExpiry(customerId, 100, new Date(Date.now() + 10 * 86400_000));

    const spent = await ok(t.call('POST', `/v1/members/${customerId}/points/adjust`, { points: -150, reason: 'gift at the till' }), 201);
    expect(spent.balance).toBe(250);
    const lots = await t.omni.database.db.selectFrom('loyalty_lot').select(['points', 'remaining']).where('customer_id', '=', customerId).orderBy('expires_at').execute();
    expect(lots).toEqual([{ points: 100, remaining: 0 }, { points: 300, remaining: 250 }]);

    await setExpiry(customerId, 300, new Date(Date.now() - 1000));
    await t.omni.worker.drain();
    expect((await membership(t, customerId)).balance).toBe(0);
    expect((await eventsOf(t, 'points.expired')).find((e) => e.customerId === customerId)).toMatchObject({ points: 250 });
    const history = await ok(t.call('GET', `/v1/members/${customerId}/points?limit=2`));
    expect(history.data.map((e: any) => [e.kind, e.points])).toEqual([['expired', -250], ['adjusted', -150]]);
    const rest = await ok(t.call('GET', `/v1/members/${customerId}/points?limit=2&cursor=${history.nextCursor}`));
    expect(rest.data.map((e: any) => e.points)).toEqual([100, 300]);
    expect(rest.nextCursor).toBeNull();
  });

  it('a debit beyond the balance is refused and changes nothing', async () => {
    const customerId = await memberWith(100);
    const res = await t.call('POST', `/v1/members/${customerId}/points/adjust`, { points: -101, reason: 'too much' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'insufficient_points', field: 'points', balance: 100 });
    expect((await membership(t, customerId)).balance).toBe(100);
    const zero = await t.call('POST', `/v1/members/${customerId}/points/adjust`, { points: 0, reason: 'nothing' });
    expect(zero.body).toMatchObject({ code: 'validation_failed', field: 'points' });
  });

  it('20 simultaneous spends of 100 from 1,000 points: exactly 10 succeed and the balance is the sum of the lots', async () => {
    const customerId = await memberWith(0);
    for (const points of [300, 300, 400]) await ok(t.call('POST', `/v1/members/${customerId}/points/adjust`, { points, reason: 'seed' }), 201);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => spendPoints(t.ctx, { customerId, points: 100, reference: { type: 'order', id: `ord_c${i}` } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures.every((f) => f.reason.code === 'insufficient_points')).toBe(true);
    expect((await membership(t, customerId)).balance).toBe(0);
    expect(await lotSum(t, customerId)).toBe(0);
  });

  it('spending for one order twice spends once; refunding it puts the points back into the same lots, once', async () => {
    const customerId = await memberWith(500);
    const reference = { type: 'order', id: 'ord_twice' };
    const first = await spendPoints(t.ctx, { customerId, points: 200, reference });
    const second = await spendPoints(t.ctx, { customerId, points: 200, reference });
    expect(second.entryId).toBe(first.entryId);
    expect((await membership(t, customerId)).balance).toBe(300);
    expect(await refundSpentPoints(t.ctx, { reference })).toEqual({ points: 200 });
    expect(await refundSpentPoints(t.ctx, { reference })).toEqual({ points: 200 });
    expect((await membership(t, customerId)).balance).toBe(500);
    expect(await lotSum(t, customerId)).toBe(500);
    expect(await refundSpentPoints(t.ctx, { reference: { type: 'order', id: 'ord_never' } })).toEqual({ points: 0 });
  });

  it('a spend inside an order transaction that fails leaves the points untouched', async () => {
    const customerId = await memberWith(300);
    await expect(
      inTx(t.omni.database.db, async (tx) => {
        await spendPoints({ ...t.ctx, db: tx }, { customerId, points: 100, reference: { type: 'order', id: 'ord_rolled_back' } });
        throw new Error('payment failed');
      }),
    ).rejects.toThrow('payment failed');
    expect((await membership(t, customerId)).balance).toBe(300);
  });

  it('quotes a deduction at 100 points per yuan, capped by the balance and by half the order', async () => {
    const customerId = await memberWith(5_000);
    expect(await quotePointsDeduction(t.ctx, { customerId, points: 1_234, orderSubtotal: 100_000 })).toMatchObject({ points: 1_234, amount: 1_234 });
    expect(await quotePointsDeduction(t.ctx, { customerId, points: 9_000, orderSubtotal: 100_000 })).toMatchObject({ points: 5_000, amount: 5_000 });
    expect(await quotePointsDeduction(t.ctx, { customerId, points: 5_000, orderSubtotal: 3_001 })).toMatchObject({ points: 1_500, amount: 1_500 });
    const stranger = (await enrolMember(t.ctx, await newCustomer(t), 'test')).membership.customerId;
    expect(await quotePointsDeduction(t.ctx, { customerId: stranger, points: 100, orderSubtotal: 10_000 })).toMatchObject({ points: 0, amount: 0 });
  });

  it('clerks read members but cannot adjust points', async () => {
    const customerId = await memberWith(100);
    const clerk = await t.staff('clerk', ['loc_any']);
    expect((await t.call('GET', `/v1/members/${customerId}`, undefined, { token: clerk })).status).toBe(200);
    const res = await t.call('POST', `/v1/members/${customerId}/points/adjust`, { points: 50, reason: 'friend' }, { token: clerk });
    expect(res.status).toBe(403);
  });
});
