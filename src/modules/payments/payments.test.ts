import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import type { Ctx } from '../../platform/context.js';
import { createPayment } from './index.js';
import { configuredTestSecret, testProviderSecret } from './provider-secret.js';

let t: TestApp;
let sys: Ctx;
let n = 0;

beforeAll(async () => {
  t = await startTestApp();
  sys = t.ctx;
  // The test provider calls back over real HTTP: serve the API on loopback and point it there.
  await t.omni.app.listen({ port: 0, host: '127.0.0.1' });
  t.config.publicUrl = `http://127.0.0.1:${(t.omni.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => t?.close());

const order = () => ({ type: 'order', id: `ord_test${++n}` });
/** Something paid for that has no refund rules of its own, so its payment is refunded directly. */
const deposit = () => ({ type: 'deposit', id: `dep_test${++n}` });
const payment = async (id: string) => (await t.call('GET', `/v1/payments/${id}`)).body;
const eventsFor = async (id: string) =>
  (await t.call('GET', '/v1/events?type=payment.*&limit=500')).body.data.filter((e: any) => e.aggregateId === id);

async function signedNotice(type: 'payment.succeeded' | 'payment.failed', providerRef: string, secret?: string) {
  return signed(JSON.stringify({ type, timestamp: new Date().toISOString(), data: { providerRef, amount: 1, currency: 'CNY' } }), secret);
}
const signedBatch = (items: Array<['payment.succeeded' | 'payment.failed', string]>) =>
  signed(JSON.stringify({ type: 'payment.batch', timestamp: new Date().toISOString(), data: { notifications: items.map(([type, providerRef]) => ({ type, providerRef, amount: 1, currency: 'CNY' })) } }));
async function signed(body: string, secret?: string) {
  const now = new Date();
  const msgId = `msg_${++n}`;
  const wh = new Webhook(secret ?? (await testProviderSecret(sys.db)));
  const headers = { 'content-type': 'application/json', 'webhook-id': msgId, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': wh.sign(msgId, now, body) };
  return { body, headers };
}
const postNotice = (n: { body: string; headers: Record<string, string> }) => t.call('POST', '/v1/payments/webhooks/test', n.body, { token: null, headers: n.headers });

describe('manual payments', () => {
  it('are captured at once and announce payment.captured with what the order needs', async () => {
    const ref = order();
    const p = await createPayment(sys, { reference: ref, amount: 5000, currency: 'CNY', provider: 'manual', method: 'cash' });
    expect(p).toMatchObject({ status: 'captured', capturedAmount: 5000, refundedAmount: 0, method: 'cash', reference: ref });
    expect(p.id).toMatch(/^pay_/);
    const listed = await t.call('GET', `/v1/payments?referenceType=order&referenceId=${ref.id}`);
    expect(listed.body.data.map((x: any) => x.id)).toEqual([p.id]);
    const captured = (await eventsFor(p.id)).find((e: any) => e.type === 'payment.captured');
    expect(captured.data).toMatchObject({ id: p.id, reference: ref, amount: 5000, currency: 'CNY', status: 'captured' });
  });

  it('keep the slip number of the terminal or QR app as their reference, from the first event on', async () => {
    const p = await createPayment(sys, { reference: order(), amount: 3300, currency: 'CNY', provider: 'manual', method: 'card', externalReference: 'SLIP-0042' });
    expect(p).toMatchObject({ status: 'captured', providerRef: 'SLIP-0042' });
    expect((await payment(p.id)).providerRef).toBe('SLIP-0042');
    expect((await eventsFor(p.id)).map((e: any) => [e.type, e.data.providerRef])).toEqual([['payment.created', 'SLIP-0042'], ['payment.authorized', 'SLIP-0042'], ['payment.captured', 'SLIP-0042']]);
  });

  it('need a method, and bad input leaves nothing behind', async () => {
    const ref = order();
    await expect(createPayment(sys, { reference: ref, amount: 100, currency: 'CNY', provider: 'manual' })).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'method' } });
    await expect(createPayment(sys, { reference: ref, amount: 1.5, currency: 'CNY', provider: 'manual', method: 'card' })).rejects.toMatchObject({ details: { field: 'amount' } });
    expect((await t.call('GET', `/v1/payments?referenceId=${ref.id}`)).body.data).toEqual([]);
  });

  it("run inside the caller's transaction and vanish with it", async () => {
    const ref = order();
    await expect(
      sys.db.transaction().execute(async (tx) => {
        await createPayment({ ...sys, db: tx }, { reference: ref, amount: 100, currency: 'CNY', provider: 'manual', method: 'qr' });
        throw new Error('the order failed');
      }),
    ).rejects.toThrow('the order failed');
    expect((await t.call('GET', `/v1/payments?referenceId=${ref.id}`)).body.data).toEqual([]);
  });
});

describe('test provider', () => {
  it('captures asynchronously through its signed webhook over HTTP', async () => {
    const p = await createPayment(sys, { reference: order(), amount: 2500, currency: 'CNY', provider: 'test' });
    expect(p.status).toBe('pending');
    expect((await payment(p.id)).status).toBe('pending');
    await t.omni.worker.drain();
    expect(await payment(p.id)).toMatchObject({ status: 'captured', capturedAmount: 2500 });
    expect((await eventsFor(p.id)).map((e: any) => e.type)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
  });

  it('keeps a call-back that could not be delivered and sends it again when it is due', async () => {
    const callback = async (id: string) => (await sql<{ status: string; attempts: number; last_error: string | null; late: boolean }>`
      SELECT status, attempts, last_error, due_at > now() AS late FROM payment_test_callback WHERE payment_id = ${id}`.execute(sys.db)).rows[0];
    const url = t.config.publicUrl;
    t.config.publicUrl = 'http://127.0.0.1:9';
    let p;
    try {
      p = await createPayment(sys, { reference: order(), amount: 700, currency: 'CNY', provider: 'test' });
      await t.omni.worker.drain();
    } finally {
      t.config.publicUrl = url;
    }
    expect(await callback(p.id)).toMatchObject({ status: 'pending', attempts: 1, late: true });
    expect((await callback(p.id)).last_error).toBeTruthy();
    expect((await payment(p.id)).status).toBe('pending');
    await sql`UPDATE payment_test_callback SET due_at = now() WHERE payment_id = ${p.id}`.execute(sys.db);
    await t.omni.worker.drain();
    expect(await callback(p.id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect((await payment(p.id)).status).toBe('captured');
  });

  it('fails a payment when asked to decline', async () => {
    const p = await createPayment(sys, { reference: order(), amount: 2500, currency: 'CNY', provider: 'test', autoCapture: 'fail' });
    await t.omni.worker.drain();
    expect(await payment(p.id)).toMatchObject({ status: 'failed', capturedAmount: 0, failureReason: 'declined by the test provider' });
    expect((await eventsFor(p.id)).map((e: any) => e.type)).toContain('payment.failed');
  });

  it('applies a repeated webhook once', async () => {
    const p = await createPayment(sys, { reference: order(), amount: 900, currency: 'CNY', provider: 'test' });
    const notice = await signedNotice('payment.succeeded', p.providerRef!);
    const first = await postNotice(notice);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, changed: true });
    expect((await postNotice(notice)).body).toEqual({ received: true, changed: false });
    await t.omni.worker.drain(); // the provider's own call-back arrives too
    expect((await payment(p.id)).status).toBe('captured');
    expect((await eventsFor(p.id)).filter((e: any) => e.type === 'payment.captured')).toHaveLength(1);
  });

  it('applies the same webhook sent eight times at once exactly once; a late failure changes nothing', async () => {
    const p = await createPayment(sys, { reference: order(), amount: 1200, currency: 'CNY', provider: 'test' });
    const notices = await Promise.all(Array.from({ length: 8 }, () => signedNotice('payment.succeeded', p.providerRef!)));
    const results = await Promise.all(notices.map(postNotice));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.filter((r) => r.body.changed)).toHaveLength(1);
    expect((await postNotice(await signedNotice('payment.failed', p.providerRef!))).body).toEqual({ received: true, changed: false });
    expect(await payment(p.id)).toMatchObject({ status: 'captured', capturedAmount: 1200, failureReason: null });
    const events = await eventsFor(p.id);
    expect(events.map((e: any) => e.type)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
    expect(events[1].data).toMatchObject({ status: 'authorized', capturedAmount: 0 });
    expect(events[2].data).toMatchObject({ status: 'captured', capturedAmount: 1200 });
  });

  it('applies a batch of notices together: each payment moves once, the first of two notices for one payment counts', async () => {
    const [a, b, c] = await Promise.all([1100, 1200, 1300].map((amount) => createPayment(sys, { reference: order(), amount, currency: 'CNY', provider: 'test' })));
    expect((await postNotice(await signedNotice('payment.succeeded', c.providerRef!))).body.changed).toBe(true);
    const batch = await signedBatch([['payment.succeeded', a.providerRef!], ['payment.failed', b.providerRef!], ['payment.failed', a.providerRef!], ['payment.failed', c.providerRef!]]);
    expect((await postNotice(batch)).body).toEqual({ received: true, changed: true });
    expect((await postNotice(batch)).body).toEqual({ received: true, changed: false });
    expect(await payment(a.id)).toMatchObject({ status: 'captured', capturedAmount: 1100 });
    expect(await payment(b.id)).toMatchObject({ status: 'failed', capturedAmount: 0 });
    expect(await payment(c.id)).toMatchObject({ status: 'captured', capturedAmount: 1300 });
    expect((await eventsFor(a.id)).map((e: any) => e.type)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
    expect((await eventsFor(b.id)).map((e: any) => e.type)).toEqual(['payment.created', 'payment.failed']);
    expect((await eventsFor(c.id)).map((e: any) => e.type)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
  });

  it('refuses a whole batch naming a payment it does not know, moving none of the others', async () => {
    const p = await createPayment(sys, { reference: order(), amount: 800, currency: 'CNY', provider: 'test' });
    const res = await postNotice(await signedBatch([['payment.succeeded', p.providerRef!], ['payment.succeeded', 'tpi_pay_nobody']]));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'not_found', field: 'providerRef' });
    expect(res.body.detail).toContain('tpi_pay_nobody');
    expect((await payment(p.id)).status).toBe('pending');
    expect((await eventsFor(p.id)).map((e: any) => e.type)).toEqual(['payment.created']);
  });

  it('batches overlapping in opposite orders, sent at once, capture every payment exactly once', async () => {
    const ps = await Promise.all(Array.from({ length: 12 }, (_, i) => createPayment(sys, { reference: order(), amount: 100 + i, currency: 'CNY', provider: 'test' })));
    const refs = ps.map((p): ['payment.succeeded', string] => ['payment.succeeded', p.providerRef!]);
    const batches = await Promise.all([refs, [...refs].reverse(), refs.slice(3, 9), [...refs.slice(0, 6)].reverse()].map(signedBatch));
    const results = await Promise.all(batches.map(postNotice));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const p of ps) {
      expect((await payment(p.id)).status).toBe('captured');
      expect((await eventsFor(p.id)).filter((e: any) => e.type === 'payment.captured')).toHaveLength(1);
    }
  });

  it('answers a webhook for a payment it does not know with a 404 naming the reference', async () => {
    const res = await postNotice(await signedNotice('payment.succeeded', 'tpi_pay_nobody'));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'not_found', field: 'providerRef' });
  });

  it('rejects a webhook with a wrong signature or a tampered body, changing nothing', async () => {
    const p = await createPayment(sys, { reference: order(), amount: 900, currency: 'CNY', provider: 'test' });
    const forged = await signedNotice('payment.succeeded', p.providerRef!, `whsec_${Buffer.from('not the secret').toString('base64')}`);
    const bad = await postNotice(forged);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_signature');
    const genuine = await signedNotice('payment.failed', p.providerRef!);
    const tampered = await postNotice({ ...genuine, body: genuine.body.replace('payment.failed', 'payment.succeeded') });
    expect(tampered.status).toBe(400);
    const unsigned = await t.call('POST', '/v1/payments/webhooks/test', genuine.body, { token: null, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(400);
    expect((await payment(p.id)).status).toBe('pending');
  });
});

describe('test provider secret', () => {
  it('comes from PAYMENTS_TEST_SECRET, or is generated once and kept', async () => {
    const configured = `whsec_${Buffer.from('configured secret').toString('base64')}`;
    expect(await testProviderSecret(sys.db, { PAYMENTS_TEST_SECRET: configured })).toBe(configured);
    const generated = await testProviderSecret(sys.db, {});
    expect(generated).toMatch(/^whsec_/);
    expect(await testProviderSecret(sys.db, {})).toBe(generated);
    expect(() => configuredTestSecret({ PAYMENTS_TEST_SECRET: 'hunter2' })).toThrow();
  });
});

describe('refunds', () => {
  it('refund part by part up to the captured amount and no further', async () => {
    const p = await createPayment(sys, { reference: deposit(), amount: 1000, currency: 'CNY', provider: 'manual', method: 'card' });
    const first = await t.call('POST', `/v1/payments/${p.id}/refunds`, { amount: 300, reason: 'one item returned' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ paymentId: p.id, amount: 300, currency: 'CNY', status: 'succeeded' });
    expect(first.body.id).toMatch(/^ref_/);
    expect(await payment(p.id)).toMatchObject({ status: 'partially_refunded', refundedAmount: 300 });

    const tooMuch = await t.call('POST', `/v1/payments/${p.id}/refunds`, { amount: 800 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ code: 'refund_exceeds_payment', field: 'amount', refundable: 700 });
    expect((await payment(p.id)).refundedAmount).toBe(300);

    expect((await t.call('POST', `/v1/payments/${p.id}/refunds`, { amount: 700 })).status).toBe(201);
    const done = await payment(p.id);
    expect(done).toMatchObject({ status: 'refunded', refundedAmount: 1000 });
    expect(done.refunds.map((r: any) => r.amount)).toEqual([300, 700]);
    expect((await t.call('POST', `/v1/payments/${p.id}/refunds`, { amount: 1 })).body.code).toBe('refund_exceeds_payment');
    const refundEvents = (await t.call('GET', '/v1/events?type=payment.refunded&limit=500')).body.data.filter((e: any) => e.data.paymentId === p.id);
    expect(refundEvents.map((e: any) => e.data.amount)).toEqual([300, 700]);
  });

  it('refuse payments that were never captured, and need orders:write', async () => {
    const pending = await createPayment(sys, { reference: deposit(), amount: 1000, currency: 'CNY', provider: 'test' });
    const res = await t.call('POST', `/v1/payments/${pending.id}/refunds`, { amount: 100 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('invalid_state');
    expect((await t.call('POST', '/v1/payments/pay_nope/refunds', { amount: 100 })).status).toBe(404);
    const analyst = await t.staff('analyst');
    expect((await t.call('POST', `/v1/payments/${pending.id}/refunds`, { amount: 100 }, { token: analyst })).status).toBe(403);
    expect((await t.call('GET', `/v1/payments/${pending.id}`, undefined, { token: analyst })).status).toBe(200);
  });

  it("an order's payment is refunded through the order, not directly", async () => {
    const ref = order();
    const p = await createPayment(sys, { reference: ref, amount: 1000, currency: 'CNY', provider: 'manual', method: 'card' });
    const res = await t.call('POST', `/v1/payments/${p.id}/refunds`, { amount: 100 });
    expect(res.body).toMatchObject({ status: 409, code: 'refund_through_owner', field: 'id', reference: ref });
    expect(res.body.detail).toContain(`POST /v1/orders/${ref.id}/refunds`);
    expect(await payment(p.id)).toMatchObject({ status: 'captured', refundedAmount: 0, refunds: [] });
  });

  it('concurrent refunds never exceed the captured amount', async () => {
    const p = await createPayment(sys, { reference: deposit(), amount: 1000, currency: 'CNY', provider: 'manual', method: 'cash' });
    const results = await Promise.all(Array.from({ length: 10 }, () => t.call('POST', `/v1/payments/${p.id}/refunds`, { amount: 300 })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'refund_exceeds_payment')).toBe(true);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
    const after = await payment(p.id);
    expect(after).toMatchObject({ refundedAmount: 900, status: 'partially_refunded' });
    expect(after.refunds).toHaveLength(3);
  });
});
