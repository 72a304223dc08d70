import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { sql } from '../../platform/db.js';
import { codeIn, mailInbox, startSmtpInbox } from '../../../tests/inboxes.js';

let t: TestApp;
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;

beforeAll(async () => {
  inbox = await mailInbox();
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
  await inbox?.close();
});

const db = () => t.omni.database.db;
const askCode = (email: string, headers: Record<string, string> = {}) => t.call('POST', '/v1/shopper/auth/codes', { email }, { token: null, headers });
const signIn = (email: string, code: string, headers: Record<string, string> = {}) =>
  t.call('POST', '/v1/shopper/auth/sessions', { email, code }, { token: null, headers });
/** The code in the latest mail to `email`. */
const lastCode = (email: string) => codeIn(inbox.mails.filter((m) => m.to.includes(email)).at(-1)!.text);
/** Moves the identity's send times back, as if `seconds` had passed. */
const rewind = (email: string, seconds: number) =>
  db()
    .updateTable('customer_sign_in_code')
    .set({ last_sent_at: sql`last_sent_at - make_interval(secs => ${seconds})` })
    .where('identity', '=', `email:${email}`)
    .execute();
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('shopper sign-in by email code', () => {
  it('mails a code over SMTP in the asked language; the code signs the shopper in and the profile is theirs', async () => {
    const sent = await askCode('Mei@Example.COM', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ channel: 'email', expiresInSeconds: 600, resendAfterSeconds: 60 });
    const mail = inbox.mails.at(-1)!;
    expect(mail.to).toEqual(['mei@example.com']);
    expect(mail.subject).toBe('您的登录验证码');
    expect(mail.text).toContain('10 分钟内有效');
    const code = lastCode('mei@example.com');

    const stored = await db().selectFrom('customer_sign_in_code').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(code);

    const res = await signIn('mei@example.com', code, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^shs_/);
    expect(res.body.customer).toMatchObject({ email: 'mei@example.com', locale: 'zh-CN', phone: null });
    expect(res.body.customer.emailVerifiedAt).not.toBeNull();

    const me = await t.call('GET', '/v1/shopper/me', undefined, { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(res.body.customer.id);
    const events = await db().selectFrom('outbox_event').select(['type', 'aggregate_id']).where('aggregate_id', '=', me.body.id).orderBy('id').execute();
    expect(events.map((e: any) => e.type)).toEqual(['customer.created', 'customer.signed_in']);

    // Signing in again with the same email is the same customer.
    await rewind('mei@example.com', 61);
    await askCode('mei@example.com', { 'accept-language': 'en-US' });
    expect(inbox.mails.at(-1)!.subject).toBe('Your sign-in code');
    const again = await signIn('MEI@example.com', lastCode('mei@example.com'));
    expect(again.body.customer.id).toBe(res.body.customer.id);

    expect((await t.call('DELETE', '/v1/shopper/auth/sessions/current', undefined, { token: res.body.token })).status).toBe(204);
    expect((await t.call('GET', '/v1/shopper/me', undefined, { token: res.body.token })).status).toBe(401);
    expect((await t.call('GET', '/v1/shopper/me', undefined, { token: again.body.token })).status).toBe(200);
  });

  it('a code works once', async () => {
    await askCode('once@example.com');
    const code = lastCode('once@example.com');
    expect((await signIn('once@example.com', code)).status).toBe(201);
    const reused = await signIn('once@example.com', code);
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('code_expired');
  });

  it('an expired code is refused', async () => {
    await askCode('late@example.com');
    await db().updateTable('customer_sign_in_code').set({ expires_at: new Date(Date.now() - 1000) }).where('identity', '=', 'email:late@example.com').execute();
    const res = await signIn('late@example.com', lastCode('late@example.com'));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('code_expired');
  });

  it('a wrong code says how many tries are left; after five wrong ones even the right code is refused', async () => {
    await askCode('guess@example.com');
    const code = lastCode('guess@example.com');
    const first = await signIn('guess@example.com', wrong(code));
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ code: 'invalid_code', field: 'code', attemptsLeft: 4 });
    for (let i = 0; i < 4; i++) expect((await signIn('guess@example.com', wrong(code))).body.code).toBe('invalid_code');
    const dead = await signIn('guess@example.com', code);
    expect(dead.status).toBe(429);
    expect(dead.body.code).toBe('too_many_attempts');
    // A new code starts afresh.
    await rewind('guess@example.com', 61);
    await askCode('guess@example.com');
    expect((await signIn('guess@example.com', lastCode('guess@example.com'))).status).toBe(201);
  });

  it('a new code replaces the previous one', async () => {
    await askCode('twice@example.com');
    const old = lastCode('twice@example.com');
    await rewind('twice@example.com', 61);
    await askCode('twice@example.com');
    const fresh = lastCode('twice@example.com');
    if (old !== fresh) expect((await signIn('twice@example.com', old)).body.code).toBe('invalid_code');
    expect((await signIn('twice@example.com', fresh)).status).toBe(201);
  });

  it('sends at most one code a minute and five an hour per email', async () => {
    const email = 'busy@example.com';
    const before = inbox.mails.length;
    expect((await askCode(email)).status).toBe(202);
    const soon = await askCode(email);
    expect(soon.status).toBe(429);
    expect(soon.body.code).toBe('rate_limited');
    expect(soon.body.retryAfterSeconds).toBeGreaterThan(50);
    expect(soon.body.retryAfterSeconds).toBeLessThanOrEqual(60);
    for (let i = 2; i <= 5; i++) {
      await rewind(email, 61);
      expect((await askCode(email)).status).toBe(202);
    }
    await rewind(email, 61);
    const hourly = await askCode(email);
    expect(hourly.status).toBe(429);
    expect(hourly.body.detail).toContain('an hour');
    expect(hourly.body.retryAfterSeconds).toBeGreaterThan(3000);
    expect(inbox.mails.length - before).toBe(5);
    // An hour after the first one, codes flow again.
    await db().updateTable('customer_sign_in_code').set({ window_started_at: new Date(Date.now() - 3601_000) }).where('identity', '=', `email:${email}`).execute();
    expect((await askCode(email)).status).toBe(202);
  });

  it('many simultaneous requests for a code send exactly one', async () => {
    const before = inbox.mails.length;
    const all = await Promise.all(Array.from({ length: 12 }, () => askCode('rush@example.com')));
    expect(all.filter((r) => r.status === 202)).toHaveLength(1);
    expect(all.filter((r) => r.status === 429)).toHaveLength(11);
    expect(inbox.mails.length - before).toBe(1);
  });

  it('many simultaneous guesses get five tries in all, and one right code signs in once', async () => {
    await askCode('storm@example.com');
    const code = lastCode('storm@example.com');
    const guesses = await Promise.all(Array.from({ length: 12 }, () => signIn('storm@example.com', wrong(code))));
    expect(guesses.filter((r) => r.body.code === 'invalid_code')).toHaveLength(5);
    expect(guesses.filter((r) => r.body.code === 'too_many_attempts')).toHaveLength(7);

    await rewind('storm@example.com', 61);
    await askCode('storm@example.com');
    const right = lastCode('storm@example.com');
    const racers = await Promise.all(Array.from({ length: 5 }, () => signIn('storm@example.com', right)));
    expect(racers.filter((r) => r.status === 201)).toHaveLength(1);
    expect(racers.filter((r) => r.body.code === 'code_expired')).toHaveLength(4);
  });

  it('shopper routes are for shoppers only; a shopper token opens no staff route', async () => {
    expect((await t.call('GET', '/v1/shopper/me', undefined, { token: null })).status).toBe(401);
    const staff = await t.call('GET', '/v1/shopper/me');
    expect(staff.status).toBe(403);
    expect(staff.body.code).toBe('forbidden');
    await askCode('nosy@example.com');
    const { token } = (await signIn('nosy@example.com', lastCode('nosy@example.com'))).body;
    expect((await t.call('GET', '/v1/customers', undefined, { token })).status).toBe(403);
    expect((await t.call('GET', '/v1/staff', undefined, { token })).status).toBe(403);
  });
});
