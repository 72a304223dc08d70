import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { CODE_ALPHABET, CODE_LENGTH } from './codes.js';
import { couponWorld, eventsOf } from './test-fixtures.js';

let t: TestApp;
let w: Awaited<ReturnType<typeof couponWorld>>;
beforeAll(async () => {
  t = await startTestApp();
  w = await couponWorld(t);
});
afterAll(() => t?.close());

describe('coupon templates', () => {
  it('creates, reads, lists and changes templates; a public code is stored in canonical form', async () => {
    const created = await t.call('POST', '/v1/coupon-templates', {
      name: 'Welcome',
      promotionId: w.promotionId,
      kind: 'public_code',
      code: 'welcome-10',
      validity: { until: '2099-01-01T00:00:00Z' },
      totalLimit: 1000,
      perCustomerLimit: 1,
      group: 'platform',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'public_code',
      code: 'WELCOME10',
      status: 'active',
      channels: 'all',
      stackable: false,
      group: 'platform',
      totalLimit: 1000,
      perCustomerLimit: 1,
      issued: 0,
      validity: { from: null, until: '2099-01-01T00:00:00.000Z' },
    });
    const id = created.body.id;
    expect((await t.call('GET', `/v1/coupon-templates/${id}`)).body).toEqual(created.body);

    const changed = await t.call('PATCH', `/v1/coupon-templates/${id}`, { code: 'HELLO10', channels: 'online', totalLimit: 5 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ code: 'HELLO10', channels: 'online', totalLimit: 5, name: 'Welcome' });

    const wallet = await w.template({ kind: 'wallet', validity: { daysAfterClaim: 7 } });
    const list = await t.call('GET', '/v1/coupon-templates?kind=public_code');
    expect(list.body.data.map((x: any) => x.id)).toContain(id);
    expect(list.body.data.map((x: any) => x.id)).not.toContain(wallet.id);
    expect(list.body.data.find((x: any) => x.id === id).code).toBe('HELLO10');
    expect((await eventsOf(t, 'coupon_template.updated')).map((e) => e.id)).toContain(id);
    expect((await eventsOf(t, 'coupon_template.created')).map((e) => e.id)).toEqual(expect.arrayContaining([id, wallet.id]));
  });

  it('refuses bad terms naming the field, and writes nothing', async () => {
    const before = (await t.call('GET', '/v1/coupon-templates?limit=100')).body.data.length;
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ kind: 'public_code' }, 'code', 'validation_failed'],
      [{ kind: 'public_code', code: 'no way!' }, 'code', 'validation_failed'],
      [{ kind: 'wallet', code: 'MINE' }, 'code', 'validation_failed'],
      [{ kind: 'unique_codes', validity: { daysAfterClaim: 3 } }, 'validity.daysAfterClaim', 'validation_failed'],
      [{ kind: 'wallet', validity: { from: '2099-02-01T00:00:00Z', until: '2099-01-01T00:00:00Z' } }, 'validity.until', 'validation_failed'],
      [{ kind: 'wallet', validity: { until: '2001-01-01T00:00:00Z' } }, 'validity.until', 'validation_failed'],
      [{ kind: 'wallet', promotionId: 'prm_nope' }, 'promotionId', 'not_found'],
      [{ kind: 'wallet', promotionId: w.automaticPromotionId }, 'promotionId', 'validation_failed'],
      [{ kind: 'wallet', group: 'Store Coupons' }, 'group', 'validation_failed'],
      [{ kind: 'wallet', totalLimit: 0 }, 'totalLimit', 'validation_failed'],
      [{ kind: 'public_code', code: 'HELLO10' }, 'code', 'already_exists'],
    ];
    for (const [body, field, code] of cases) {
      const res = await t.call('POST', '/v1/coupon-templates', { name: 'Bad', promotionId: w.promotionId, ...body });
      expect(res.body, JSON.stringify(body)).toMatchObject({ code, field });
    }
    expect((await t.call('GET', '/v1/coupon-templates?limit=100')).body.data.length).toBe(before);
  });

  it('marketers manage coupons; operators and analysts may not', async () => {
    const [operator, analyst, marketer] = [await t.staff('operator'), await t.staff('analyst'), await t.staff('marketer')];
    const body = { name: 'Staff test', promotionId: w.promotionId, kind: 'wallet' };
    expect((await t.call('POST', '/v1/coupon-templates', body, { token: operator })).status).toBe(403);
    expect((await t.call('POST', '/v1/coupon-templates', body, { token: analyst })).status).toBe(403);
    expect((await t.call('GET', '/v1/coupon-templates', undefined, { token: analyst })).status).toBe(200);
    expect((await t.call('POST', '/v1/coupon-templates', body, { token: marketer })).status).toBe(201);
  });
});

describe('batches of unique codes', () => {
  it('makes 20,000 unique codes from the unambiguous alphabet and exports them as CSV', async () => {
    const tpl = await w.template({ kind: 'unique_codes', totalLimit: 30_000 });
    const res = await t.call('POST', `/v1/coupon-templates/${tpl.id}/batches`, { count: 20_000, prefix: 'xmas' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ templateId: tpl.id, count: 20_000, prefix: 'XMAS' });

    const csv = await t.omni.app.inject({ method: 'GET', url: `/v1/coupon-batches/${res.body.id}/codes.csv`, headers: { authorization: `Bearer ${t.ownerToken}` } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('code,status');
    const codes = lines.slice(1).map((l) => l.split(',')[0]);
    expect(codes.length).toBe(20_000);
    expect(new Set(codes).size).toBe(20_000);
    const shape = new RegExp(`^XMAS[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);
    expect(codes.filter((c) => !shape.test(c))).toEqual([]);
    expect(lines.slice(1).every((l) => l.endsWith(',available'))).toBe(true);

    expect((await t.call('GET', `/v1/coupon-templates/${tpl.id}`)).body.issued).toBe(20_000);
    expect((await t.call('GET', `/v1/coupon-templates/${tpl.id}/batches`)).body.data.map((b: any) => b.id)).toEqual([res.body.id]);
    expect(await eventsOf(t, 'coupon_batch.generated')).toEqual([expect.objectContaining({ id: res.body.id, count: 20_000 })]);

    // The total limit caps the codes made: 10,000 more fit, 10,001 do not, and a refusal makes none.
    const over = await t.call('POST', `/v1/coupon-templates/${tpl.id}/batches`, { count: 10_001 });
    expect(over.body).toMatchObject({ code: 'validation_failed', field: 'count' });
    expect((await t.call('GET', `/v1/coupon-templates/${tpl.id}`)).body.issued).toBe(20_000);
  });

  it('refuses batches for other kinds of coupon and bad prefixes', async () => {
    const wallet = await w.template({ kind: 'wallet' });
    expect((await t.call('POST', `/v1/coupon-templates/${wallet.id}/batches`, { count: 5 })).body).toMatchObject({ code: 'validation_failed', field: 'id' });
    const tpl = await w.template({ kind: 'unique_codes' });
    expect((await t.call('POST', `/v1/coupon-templates/${tpl.id}/batches`, { count: 5, prefix: 'LOL' })).body).toMatchObject({ code: 'validation_failed', field: 'prefix' });
    expect((await t.call('POST', `/v1/coupon-templates/${tpl.id}/batches`, { count: 0 })).body).toMatchObject({ code: 'validation_failed', field: 'count' });
    expect((await t.call('GET', '/v1/coupon-batches/cpb_nope/codes.csv')).status).toBe(404);
  });
});
