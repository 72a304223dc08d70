import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../harness.js';
import { seedDemo } from '../../src/cli/seed-demo.js';
import { ensureWebBuilt, hasChromium, launchBrowser, openPage, snap } from './browser.js';
import { formatMinor, parseMinor } from '../../web/src/console/marketing/money.js';

describe('money typed in yuan', () => {
  it('becomes integer minor units from the digits, never through a float', () => {
    expect(parseMinor('12.30')).toBe(1230);
    expect(parseMinor('0.29')).toBe(29); // 0.29 * 100 is 28.999… as a float
    expect(parseMinor('1005.1')).toBe(100510);
    expect(parseMinor(' 200 ')).toBe(20000);
    expect(parseMinor('1500', 'JPY')).toBe(1500);
    for (const bad of ['', '12.345', '-1', '1e3', '12,30', '3o', '9007199254740992']) expect(parseMinor(bad)).toBeNull();
    expect(formatMinor(1230)).toBe('12.30');
    expect(formatMinor(5)).toBe('0.05');
    expect(formatMinor(1500, 'JPY')).toBe('1500');
  });
});

/**
 * The operator's marketing screens in a real browser: a 满200减30 promotion built with the rule
 * builder and tried on a sample cart, a batch of unique coupon codes downloaded as CSV, and a
 * member's points adjusted by hand.
 */
describe.skipIf(!hasChromium)('marketing screens', () => {
  let server: { t: TestApp; base: string };
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const field = (id: string) => page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
  /** Opens an Ant Design select and picks the option that shows `text`, typing it to narrow the list first. */
  const choose = async (select: string, text: string, type = text) => {
    await page.locator(`[data-testid="${select}"]`).first().click();
    await page.keyboard.type(type);
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text }).first().click();
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    // The demo brand alone is enough here: the screens under test make everything else they show.
    const start = async () => {
      const t = await startTestApp();
      await seedDemo(t.omni);
      await t.omni.app.listen({ host: '127.0.0.1', port: 0 });
      return { t, base: `http://127.0.0.1:${(t.omni.app.server.address() as AddressInfo).port}` };
    };
    [server, browser] = await Promise.all([start(), launchBrowser()]);
    const opened = await openPage(browser, { width: 1440 });
    page = opened.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.base}/console`);
    await field('email').fill('owner@demo.omniloop.dev');
    await field('password').fill('omniloop-demo');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('dashboard').waitFor();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.t.close();
  });

  it('an operator builds a 满200减30 promotion, previews a cart that gets 30 off, and starts it', async () => {
    onTestFailed(() => snap(page, 'failed-marketing-promotion'));
    const { t } = server;
    await page.goto(`${server.base}/console/marketing`);
    await page.getByTestId('new-promotion').click();
    await field('promotion-name').fill('满200减30');
    // Spend and save (tiers) is the rule a new promotion starts with.
    await field('tier-0-min').fill('200');
    await field('tier-0-off').fill('3o');
    await page.getByTestId('save-promotion').click();
    await page.getByText('An amount such as 12.30').waitFor();
    await field('tier-0-off').fill('30');
    await snap(page, 'marketing-01-promotion-builder');
    await page.getByTestId('save-promotion').click();

    const row = page.locator('tr.ant-table-row', { hasText: '满200减30' });
    await row.getByText(/spend .*200\.00, take off .*30\.00/).waitFor();
    const promotion = (await t.call('GET', '/v1/promotions')).body.data.find((p: any) => p.name === '满200减30');
    // Yuan typed in the form arrive as integer fen.
    expect(promotion).toMatchObject({ status: 'draft', trigger: 'automatic', rule: { type: 'threshold', tiers: [{ minSubtotal: 20000, discount: 3000 }] } });
    await row.getByTestId('start-promotion').click();
    await row.getByText('active').waitFor();

    // Three 99-yuan tees: 297 in the cart, over the 200 threshold.
    const tee = (await t.call('GET', '/v1/products?q=Organic%20cotton%20crew%20tee')).body.data[0].variants[0];
    await choose('preview-channel', 'Yijian web shop');
    await choose('preview-item-0', tee.sku);
    await field('preview-qty-0').fill('3');
    await page.getByTestId('run-preview').click();
    const preview = page.getByTestId('preview');
    await preview.locator('.ant-tag', { hasText: '满200减30' }).filter({ hasText: '¥30.00' }).first().waitFor();
    await expect.poll(() => page.getByTestId('preview-total').textContent()).toContain('267.00');
    expect(await page.getByTestId('preview-discount').textContent()).toContain('30.00');
    await preview.scrollIntoViewIfNeeded();
    await snap(page, 'marketing-02-preview');
    expect((await t.call('GET', `/v1/promotions/${promotion.id}`)).body.status).toBe('active');

    // Editing opens on the stored rule in yuan, and a second tier goes out as a change.
    await row.getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => field('tier-0-min').inputValue()).toBe('200.00');
    await page.getByTestId('add-tier').click();
    await field('tier-1-min').fill('500');
    await field('tier-1-off').fill('100.5');
    await page.getByTestId('save-promotion').click();
    await row.getByText(/take off .*100\.50/).waitFor();
    expect((await t.call('GET', `/v1/promotions/${promotion.id}`)).body).toMatchObject({
      status: 'active',
      rule: { tiers: [{ minSubtotal: 20000, discount: 3000 }, { minSubtotal: 50000, discount: 10050 }] },
    });
  });

  it('an operator makes a unique-code coupon, generates 100 codes and downloads them as CSV', async () => {
    onTestFailed(() => snap(page, 'failed-marketing-coupons'));
    const { t } = server;
    // The discount a coupon unlocks is a promotion triggered by coupons.
    const unlocks = await t.call('POST', '/v1/promotions', { name: '10% welcome coupon', trigger: 'coupon', currency: 'CNY', rule: { type: 'percentage', percent: 10 }, status: 'active' });
    expect(unlocks.status).toBe(201);

    await page.goto(`${server.base}/console/marketing?tab=coupons`);
    await page.getByTestId('new-coupon').click();
    await field('coupon-name').fill('Welcome back codes');
    await choose('coupon-promotion', '10% welcome coupon', '10%');
    await page.getByTestId('save-coupon').click();

    // A new unique-code coupon opens on its batches.
    const batches = page.getByTestId('batches');
    await field('batch-count').fill('100');
    await batches.getByTestId('generate-batch').click();
    const download = page.waitForEvent('download');
    await batches.getByTestId('download-csv').click();
    const csv = readFileSync((await (await download).path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('code,status');
    const codes = csv.slice(1);
    expect(codes).toHaveLength(100);
    expect(new Set(codes.map((l) => l.split(',')[0])).size).toBe(100);
    await page.locator('tr.ant-table-row', { hasText: 'Welcome back codes' }).getByText('100', { exact: true }).first().waitFor();
    await snap(page, 'marketing-03-coupon-batch');
  });

  it('an operator adds a member tier and a voucher template', async () => {
    onTestFailed(() => snap(page, 'failed-marketing-settings'));
    const { t } = server;
    await page.goto(`${server.base}/console/marketing?tab=loyalty`);
    const tiers = page.getByTestId('tiers');
    await tiers.getByRole('button', { name: 'Add' }).click();
    const dialog = page.locator('.ant-modal:visible');
    await dialog.locator('input#name').fill('Gold');
    await dialog.locator('input#minSpend').fill('3000');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await tiers.getByText('Gold').waitFor();
    expect((await t.call('GET', '/v1/loyalty/tiers')).body.data.find((x: any) => x.name === 'Gold')).toMatchObject({ minSpend: 300000, multiplierPct: 100 });

    await page.goto(`${server.base}/console/vouchers`);
    await page.getByRole('tab', { name: 'Voucher templates' }).click();
    await page.getByTestId('new-voucher-template').click();
    await field('voucher-template-name').fill('Coffee on us');
    await page.locator('.ant-drawer input#faceValue').fill('28');
    await page.getByTestId('save-voucher-template').click();
    await page.locator('tr.ant-table-row', { hasText: 'Coffee on us' }).waitFor();
    const made = (await t.call('GET', '/v1/voucher-templates')).body.data.find((x: any) => x.name === 'Coffee on us');
    expect(made).toMatchObject({ usesPerVoucher: 1, validity: { days: 90 }, validAt: { scope: 'own_stores' }, faceValue: { amount: 2800, currency: 'CNY' } });
  });

  it('an operator looks up a customer, enrols them, and adjusts their points with a reason', async () => {
    onTestFailed(() => snap(page, 'failed-marketing-loyalty'));
    const { t } = server;
    // A shopper who ordered once online, and so is a customer but not yet a member.
    const web = (await t.call('GET', '/v1/channels')).body.data.find((c: any) => c.code === 'web');
    const tee = (await t.call('GET', '/v1/products?q=Organic%20cotton%20crew%20tee')).body.data[0].variants[0];
    const cart = (await t.call('POST', '/v1/carts', { channelId: web.id })).body;
    await t.call('POST', `/v1/carts/${cart.id}/lines`, { variantId: tee.id, quantity: 1 });
    const address = { name: 'Mei Lin', line1: '88 Century Avenue', city: 'Shanghai', postalCode: '200120', country: 'CN', phone: '+8613800000000' };
    const order = await t.call('POST', `/v1/carts/${cart.id}/checkout`, { fulfillment: [{ type: 'delivery', address }], contact: { email: 'mei.lin@example.com' }, payment: { provider: 'manual', method: 'qr' } });
    expect(order.status).toBeLessThan(300);
    const customer = (await t.call('GET', '/v1/customers?q=mei.lin')).body.data[0];
    expect(customer).toBeTruthy();

    await page.goto(`${server.base}/console/marketing?tab=loyalty`);
    await choose('member-search', 'mei.lin@example.com', 'mei.lin');
    const enrol = page.getByRole('button', { name: 'Enrol as a member' });
    const balance = page.getByTestId('member-balance');
    await Promise.race([enrol.waitFor(), balance.waitFor()]);
    if (await enrol.isVisible()) await enrol.click();
    const before = Number(await balance.textContent());

    await field('adjust-points').fill('500');
    await field('adjust-reason').fill('Apology for a late delivery');
    await page.getByTestId('adjust-submit').click();
    await expect.poll(() => balance.textContent()).toBe(String(before + 500));
    await page.getByTestId('points-ledger').getByText('Apology for a late delivery').waitFor();
    await snap(page, 'marketing-04-member');

    const member = (await t.call('GET', `/v1/members/${customer.id}`)).body;
    expect(member.balance).toBe(before + 500);

    // The same screen in Chinese.
    await page.getByText('中文').click();
    await page.getByText('积分流水').waitFor();
    await snap(page, 'marketing-05-member-zh');
    await page.getByText('EN', { exact: true }).click();
    expect(pageErrors).toEqual([]);
  });
});
