import { expect } from 'vitest';
import type { TestApp } from '../../../tests/harness.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import { findOrCreateCustomer } from '../customers/index.js';

/**
 * Loyalty tests drive the module the way the orders module does: they write order events to the
 * outbox with the payloads orders emits, then let the worker run.
 */

export async function ok(p: Promise<{ status: number; body: any }>, status = 200): Promise<any> {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

let phones = 0;
export async function newCustomer(t: TestApp, name = 'Shopper'): Promise<string> {
  const phone = `+86139${String(Date.now() % 100000).padStart(5, '0')}${String(++phones).padStart(3, '0')}`;
  return (await findOrCreateCustomer(t.ctx, { phone, name })).id;
}

export async function channel(t: TestApp, kind: string): Promise<string> {
  return (await ok(t.call('POST', '/v1/channels', { code: `${kind}-${++phones}`, name: kind, kind, currency: 'CNY' }), 201)).id;
}

/** Writes an order event as orders does (moveOrder / refundOrder payloads). */
export async function orderEvent(t: TestApp, type: string, orderId: string, payload: Record<string, unknown>): Promise<void> {
  await emit(t.omni.database.db, type, orderId, { orderId, ...payload });
  await t.omni.worker.drain();
}

export async function paidOrder(t: TestApp, input: { customerId: string; channelId: string; amount: number }): Promise<string> {
  const orderId = newId('ord');
  await orderEvent(t, 'order.paid', orderId, { from: 'pending_payment', status: 'paid', customerId: input.customerId, channelId: input.channelId, amount: input.amount, currency: 'CNY', paymentId: newId('pay') });
  return orderId;
}

export async function refund(t: TestApp, orderId: string, customerId: string, amount: number): Promise<void> {
  await orderEvent(t, 'refund.created', orderId, { refundId: newId('ref'), paymentId: 'pay_test', returnId: null, amount, currency: 'CNY', reason: 'return', customerId });
}

/** The order is fulfilled and its return window has passed: the worker confirms its points. */
export async function fulfilAndConfirm(t: TestApp, orderId: string, customerId: string, channelId: string): Promise<void> {
  await orderEvent(t, 'order.fulfilled', orderId, { from: 'paid', status: 'fulfilled', customerId, channelId });
  await t.omni.database.db.updateTable('loyalty_lot').set({ confirm_due_at: new Date(Date.now() - 1000) }).where('source_id', '=', orderId).execute();
  await t.omni.worker.drain();
}

export const membership = (t: TestApp, customerId: string) => ok(t.call('GET', `/v1/members/${customerId}`));

/** The balance must always be the sum of the lots' remaining points. */
export async function lotSum(t: TestApp, customerId: string): Promise<number> {
  const rows = await t.omni.database.db.selectFrom('loyalty_lot').select('remaining').where('customer_id', '=', customerId).where('status', '=', 'active').execute();
  return rows.reduce((s: number, r: any) => s + r.remaining, 0);
}

export async function eventsOf(t: TestApp, type: string): Promise<any[]> {
  const rows = await t.omni.database.db.selectFrom('outbox_event').select('payload').where('type', '=', type).orderBy('id').execute();
  return rows.map((r: any) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));
}
