import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { codeIn, startSmsInbox } from '../../../tests/inboxes.js';
import { findOrCreateCustomer, getCustomers } from './index.js';

let t: TestApp;
let sms: Awaited<ReturnType<typeof startSmsInbox>>;

beforeAll(async () => {
  sms = await startSmsInbox();
  delete process.env.SMTP_URL;
  process.env.SMS_PROVIDER_URL = sms.url;
  process.env.SMS_PROVIDER_KEY = 'sms-test-key';
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
  await sms?.close();
  delete process.env.SMS_PROVIDER_URL;
  delete process.env.SMS_PROVIDER_KEY;
});

const ctx = () => t.ctx;
const askCode = (body: object) => t.call('POST', '/v1/shopper/auth/codes', body, { token: null });
async function signInByPhone(phone: string, locale?: string) {
  expect((await askCode({ phone, locale })).status).toBe(202);
  const res = await t.call('POST', '/v1/shopper/auth/sessions', { phone, code: codeIn(sms.messages.at(-1)!.body.text) }, { token: null });
  expect(res.status).toBe(201);
  return res.body;
}

describe('shopper sign-in by text message', () => {
  it('posts the code to the SMS provider with its key, and the code signs the shopper in', async () => {
    expect((await askCode({ phone: '+86 138 0013 8000', locale: 'en' })).status).toBe(202);
    const msg = sms.messages.at(-1)!;
    expect(msg.authorization).toBe('Bearer sms-test-key');
    expect(msg.body.to).toBe('+8613800138000');
    expect(msg.body.text).toMatch(/^Your sign-in code is \d{6}\. It expires in 10 minutes/);
    const res = await t.call('POST', '/v1/shopper/auth/sessions', { phone: '+8613800138000', code: codeIn(msg.body.text) }, { token: null });
    expect(res.status).toBe(201);
    expect(res.body.customer).toMatchObject({ phone: '+8613800138000', email: null, emailVerifiedAt: null });
    expect(res.body.customer.phoneVerifiedAt).not.toBeNull();
  });

  it('when the provider fails the shopper hears so, and may ask again at once', async () => {
    sms.status = 500;
    const failed = await askCode({ phone: '+8613900139000' });
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ code: 'delivery_failed', field: 'phone' });
    sms.status = 202;
    expect((await askCode({ phone: '+8613900139000' })).status).toBe(202);
  });

  it('a channel that is not set up is unavailable, and bad contacts name their field', async () => {
    const mail = await askCode({ email: 'ann@example.com' });
    expect(mail.status).toBe(503);
    expect(mail.body).toMatchObject({ code: 'channel_unavailable', field: 'email' });
    const local = await askCode({ phone: '13800138000' });
    expect(local.status).toBe(400);
    expect(local.body).toMatchObject({ code: 'validation_failed', field: 'phone' });
    expect((await askCode({})).body.field).toBe('email');
  });
});

describe('guest customers', () => {
  it('a guest checkout customer becomes the account of whoever signs in with that phone', async () => {
    const guest = await findOrCreateCustomer(ctx(), { phone: '+86 137 0000 0001', name: 'Li Lei', email: 'LiLei@Example.com' });
    expect(guest).toMatchObject({ phone: '+8613700000001', email: 'lilei@example.com', name: 'Li Lei', phoneVerifiedAt: null });
    expect((await findOrCreateCustomer(ctx(), { email: 'lilei@EXAMPLE.com' })).id).toBe(guest.id);

    const session = await signInByPhone('+8613700000001');
    expect(session.customer.id).toBe(guest.id);
    expect(session.customer.phoneVerifiedAt).not.toBeNull();
    expect(session.customer.emailVerifiedAt).toBeNull();
    const events = await t.omni.database.db.selectFrom('outbox_event').select('type').where('aggregate_id', '=', guest.id).orderBy('id').execute();
    expect(events.map((e: any) => e.type)).toEqual(['customer.created', 'customer.signed_in']);
  });

  it('simultaneous guest checkouts with one email make one customer', async () => {
    const made = await Promise.all(Array.from({ length: 10 }, (_, i) => findOrCreateCustomer(ctx(), { email: i % 2 ? 'Rush@Example.com' : 'rush@example.com' })));
    expect(new Set(made.map((c) => c.id)).size).toBe(1);
    expect(await getCustomers(ctx(), [made[0].id, 'cus_unknown'])).toHaveLength(1);
    const created = await t.omni.database.db.selectFrom('outbox_event').select('type').where('aggregate_id', '=', made[0].id).execute();
    expect(created.map((e: any) => e.type)).toEqual(['customer.created']);
  });

  it('a checkout naming one customer\'s email and another\'s phone is the email\'s, and moves no contact', async () => {
    const byEmail = await findOrCreateCustomer(ctx(), { email: 'mei@example.com' });
    const byPhone = await findOrCreateCustomer(ctx(), { phone: '+86 137 0000 0002' });
    const both = await findOrCreateCustomer(ctx(), { email: 'MEI@example.com', phone: '+8613700000002', name: 'Mei' });
    expect(both).toEqual(byEmail);
    expect((await findOrCreateCustomer(ctx(), { phone: '+8613700000002' })).id).toBe(byPhone.id);
  });

  it('needs a valid contact', async () => {
    await expect(findOrCreateCustomer(ctx(), { name: 'nobody' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(findOrCreateCustomer(ctx(), { phone: '12345' })).rejects.toMatchObject({ details: { field: 'phone' } });
  });
});

describe('shopper profile', () => {
  it('the shopper edits their name, birthday and language', async () => {
    const { token } = await signInByPhone('+8613600000002', 'zh-CN');
    const changed = await t.call('PATCH', '/v1/shopper/me', { name: ' 韩梅梅 ', birthday: '1990-02-28', locale: 'en' }, { token });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: '韩梅梅', birthday: '1990-02-28', locale: 'en' });
    const me = await t.call('GET', '/v1/shopper/me', undefined, { token });
    expect(me.body).toMatchObject({ name: '韩梅梅', birthday: '1990-02-28', locale: 'en' });
    expect((await t.call('PATCH', '/v1/shopper/me', { birthday: null }, { token })).body.birthday).toBeNull();

    const future = await t.call('PATCH', '/v1/shopper/me', { birthday: '2999-01-01' }, { token });
    expect(future.body).toMatchObject({ code: 'validation_failed', field: 'birthday' });
    const impossible = await t.call('PATCH', '/v1/shopper/me', { birthday: '2023-02-30' }, { token });
    expect(impossible.body).toMatchObject({ code: 'validation_failed', field: 'birthday' });
    expect((await t.call('GET', '/v1/shopper/me', undefined, { token })).body.name).toBe('韩梅梅');
  });
});

describe('staff look-up', () => {
  it('finds customers by part of phone, email or name, in pages', async () => {
    for (let i = 0; i < 3; i++) await findOrCreateCustomer(ctx(), { phone: `+8615500000${10 + i}`, name: `Page ${i}` });
    await findOrCreateCustomer(ctx(), { email: 'wang_wu@example.com', name: 'Wang Wu' });
    const first = await t.call('GET', '/v1/customers?q=1550000&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    const second = await t.call('GET', `/v1/customers?q=1550000&limit=2&after=${first.body.next}`);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.next).toBeNull();
    expect((await t.call('GET', '/v1/customers?q=wang wu')).body.data.map((c: any) => c.email)).toEqual(['wang_wu@example.com']);
    expect((await t.call('GET', '/v1/customers?q=g_w')).body.data).toHaveLength(1);
    expect((await t.call('GET', '/v1/customers?q=g%25w')).body.data).toHaveLength(0);
    const one = await t.call('GET', `/v1/customers/${first.body.data[0].id}`);
    expect(one.body.id).toBe(first.body.data[0].id);
    expect((await t.call('GET', '/v1/customers/cus_nope')).status).toBe(404);
  });

  it('the routes are in the API description', async () => {
    const paths = Object.keys((await t.call('GET', '/openapi.json', undefined, { token: null })).body.paths);
    expect(paths).toEqual(expect.arrayContaining(['/v1/shopper/auth/codes', '/v1/shopper/auth/sessions', '/v1/shopper/me', '/v1/customers', '/v1/customers/{id}']));
  });

  it('needs customers:read: marketers, analysts and clerks (member look-up at the till) have it', async () => {
    expect((await t.call('GET', '/v1/customers', undefined, { token: await t.staff('marketer') })).status).toBe(200);
    expect((await t.call('GET', '/v1/customers', undefined, { token: await t.staff('analyst') })).status).toBe(200);
    expect((await t.call('GET', '/v1/customers', undefined, { token: await t.staff('clerk', ['loc_a']) })).status).toBe(200);
    const keyWithoutScope = await t.apiKey(['catalog:read']);
    expect((await t.call('GET', '/v1/customers', undefined, { token: keyWithoutScope })).status).toBe(403);
    expect((await t.call('GET', '/v1/customers', undefined, { token: null })).status).toBe(401);
  });
});
