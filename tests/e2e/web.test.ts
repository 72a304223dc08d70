import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { codeIn, mailInbox, startSmtpInbox } from '../inboxes.js';
import { ensureWebBuilt, hasChromium, launchBrowser, openPage, pickOption, snap, startDemoServer, type DemoServer } from './browser.js';

/**
 * The web app in a real browser against a real server with the demo brand and its month of trade:
 * the operator's dashboard, the clerk's one box, the till, a shopper's pickup order handed over at
 * the store and the points it earned, and an appointment booked from the storefront.
 */
describe.skipIf(!hasChromium)('web app', () => {
  let server: DemoServer;
  let browser: Browser;
  let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
  let clerk: Page;
  let shopper: Page;
  const pageErrors: string[] = [];

  const field = (page: Page, id: string) => page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
  const localDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

  /** What the dashboard should count, from the orders API: today's orders, the month's, pickups waiting. */
  async function expectedDashboard() {
    const orders: any[] = [];
    for (let after = ''; ;) {
      const page = (await server.t.call('GET', `/v1/orders?limit=100${after ? `&after=${after}` : ''}`)).body;
      orders.push(...page.data);
      if (!page.nextCursor) break;
      after = page.nextCursor;
    }
    const sold = orders.filter((o) => o.status !== 'cancelled');
    const today = sold.filter((o) => localDay(new Date(o.createdAt)) === localDay(new Date()));
    const waiting = sold.flatMap((o) => o.fulfillments).filter((f: any) => f.type === 'pickup' && ['pending', 'held', 'ready'].includes(f.status));
    return { today, month: sold.length, pickups: waiting.length };
  }

  beforeAll(async () => {
    inbox = await mailInbox('Yijian <no-reply@shop.test>');
    // The server looks for web/dist when it starts, so the build comes first.
    await ensureWebBuilt();
    [server, browser] = await Promise.all([startDemoServer(), launchBrowser()]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await inbox?.close();
  });

  it('an operator signs in and sees the dashboard, in English and in Chinese', async () => {
    const { page, errors } = await openPage(browser, { width: 1280 });
    onTestFailed(() => snap(page, 'failed-console'));
    await page.goto(`${server.base}/console`);
    await field(page, 'email').fill('owner@demo.omniloop.dev');
    await field(page, 'password').fill('wrong password');
    await page.getByTestId('sign-in').click();
    await expect.poll(() => page.getByTestId('problem').textContent()).toContain('invalid_credentials');
    await snap(page, '01-console-sign-in-error');

    await field(page, 'password').fill('omniloop-demo');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('dashboard').waitFor();
    // The demo's month of trade and this morning's: every figure and chart has something in it.
    const expected = await expectedDashboard();
    expect(expected.today.length).toBeGreaterThan(10);
    expect(new Set(expected.today.map((o) => o.channelId)).size).toBeGreaterThan(1);
    expect(expected.month).toBeGreaterThan(expected.today.length);
    await expect.poll(() => page.getByTestId('kpi-today-orders').textContent()).toMatch(new RegExp(`\\D${expected.today.length}$`));
    await expect.poll(() => page.getByTestId('kpi-month-orders').textContent()).toMatch(new RegExp(`\\D${expected.month}$`));
    await expect.poll(() => page.getByTestId('kpi-pickups').textContent()).toMatch(new RegExp(`\\D${expected.pickups}$`));
    for (const chart of ['chart-daily', 'chart-today', 'chart-stores']) await page.locator(`[data-testid="${chart}"] canvas`).waitFor();
    await snap(page, '02-console-dashboard-en');

    await page.getByText('中文').click();
    await page.getByText('今日订单').waitFor();
    await snap(page, '03-console-dashboard-zh');
    await page.getByText('EN', { exact: true }).click();

    await page.goto(`${server.base}/console/orders`);
    await page.locator('tr.ant-table-row').first().click();
    await page.getByRole('heading', { name: 'Fulfilments' }).waitFor();
    await snap(page, '04-console-order');
    pageErrors.push(...errors);
  });

  it('a clerk redeems a voucher, hands over a pickup and rings up a sale at 375 px', async () => {
    const { activity, t } = server;
    ({ page: clerk } = await openPage(browser, { width: 375 }));
    onTestFailed(() => snap(clerk, 'failed-clerk'));
    await clerk.goto(`${server.base}/clerk`);
    await field(clerk, 'email').fill('clerk.sh-njr@demo.omniloop.dev');
    await field(clerk, 'password').fill('omniloop-demo');
    await clerk.getByTestId('sign-in').click();
    await expect.poll(() => clerk.getByTestId('clerk-store').textContent()).toContain('Nanjing Road');

    const scan = async (code: string) => {
      await field(clerk, 'scan-input').fill(code);
      await field(clerk, 'scan-input').press('Enter');
    };
    await scan(activity.voucherCode.toLowerCase());
    await clerk.getByTestId('redeem').click();
    await clerk.getByText('Redeemed: 0 uses left').waitFor();
    await snap(clerk, '05-clerk-voucher-redeemed');
    // The same code again: nothing left to redeem, and the screen says so.
    await scan(activity.voucherCode);
    await clerk.getByText('Cannot be redeemed here').waitFor();

    await scan(activity.pickup.code);
    await clerk.getByTestId('mark-ready').click();
    await clerk.getByTestId('hand-over').click();
    await clerk.getByText('Handed over').waitFor();
    await snap(clerk, '06-clerk-pickup-handed-over');
    expect((await t.call('GET', `/v1/orders/${activity.pickup.orderId}`)).body.fulfillments[0].status).toBe('picked_up');

    const shelf = (await t.call('GET', `/v1/stock?locationId=${activity.pickup.storeId}`)).body.data.find((s: any) => s.available > 0);
    const product = (await t.call('GET', '/v1/products?limit=100')).body.data.find((p: any) => p.variants.some((v: any) => v.id === shelf.variantId));
    const barcode = product.variants.find((v: any) => v.id === shelf.variantId).barcode;
    await clerk.getByRole('tab', { name: 'Sale' }).click();
    await field(clerk, 'sale-code').fill(barcode);
    await field(clerk, 'sale-code').press('Enter');
    await clerk.getByRole('radio', { name: 'card' }).check({ force: true }).catch(() => clerk.getByText('card', { exact: true }).click());
    await clerk.getByTestId('complete-sale').click();
    await clerk.getByTestId('receipt').waitFor();
    await snap(clerk, '07-clerk-receipt');
    const after = (await t.call('GET', `/v1/stock?locationId=${activity.pickup.storeId}&variantId=${shelf.variantId}`)).body.data[0];
    expect(after.onHand).toBe(shelf.onHand - 1);
  });

  it('a shopper signs in with a code, orders for pickup, pays, the clerk hands it over, and the points show', async () => {
    const { activity } = server;
    const { page, errors } = await openPage(browser, { width: 375 });
    shopper = page;
    onTestFailed(async () => { await snap(page, 'failed-shop'); await snap(clerk, 'failed-clerk'); });
    await page.goto(`${server.base}/shop?key=${activity.publishableKey}`);
    await page.getByTestId('product-tile').first().waitFor();
    await snap(page, '08-shop-browse');

    await page.goto(`${server.base}/shop/me`);
    await field(page, 'member-contact').fill('mei@example.com');
    await page.getByTestId('send-code').click();
    await expect.poll(() => inbox.mails.length).toBeGreaterThan(0);
    await field(page, 'member-code').fill(codeIn(inbox.mails.at(-1)!.text));
    await page.getByTestId('verify-code').click();
    await page.getByTestId('join').click();
    await page.getByTestId('points').waitFor();
    const memberCode = await page.locator('img.qr').getAttribute('alt');
    await snap(page, '09-shop-member-code');
    // The clerk scans the member's code and starts a sale for them.
    await clerk.getByTestId('new-sale').click();
    await clerk.getByRole('tab', { name: 'Scan' }).click();
    await field(clerk, 'scan-input').fill(memberCode!);
    await field(clerk, 'scan-input').press('Enter');
    await clerk.getByTestId('start-sale').click();
    await clerk.getByText('Selling to member').waitFor();
    await snap(clerk, '09-clerk-member-sale');
    await clerk.getByRole('tab', { name: 'Scan' }).click();

    // Something the flagship has on its shelf, so it can be picked up there.
    const { t } = server;
    const shelf = (await t.call('GET', `/v1/stock?locationId=${activity.pickup.storeId}`)).body.data.filter((s: any) => s.available >= 2);
    const products = (await t.call('GET', '/v1/products?limit=100')).body.data;
    const product = products.find((p: any) => p.type === 'physical' && p.variants.some((v: any) => shelf.some((s: any) => s.variantId === v.id)));
    const variant = product.variants.find((v: any) => shelf.some((s: any) => s.variantId === v.id));
    await page.goto(`${server.base}/shop`);
    await field(page, 'shop-search').fill(product.title.split(' ')[0]);
    await field(page, 'shop-search').press('Enter');
    await page.getByTestId('product-tile').filter({ hasText: product.title }).click();
    if (product.variants.length > 1) await page.getByText(Object.values(variant.options).join(' / '), { exact: true }).click();
    await page.getByTestId('find-stores').click();
    await page.getByTestId('nearby').waitFor();
    await page.getByTestId('add-to-cart').click();
    await page.getByText('Added to cart').waitFor();
    await snap(page, '10-shop-product');

    await page.getByTestId('nav-cart').click();
    await pickOption(page, 'pickup-store', 'Nanjing Road flagship');
    await snap(page, '11-shop-cart');
    await page.getByTestId('checkout').click();
    // The test provider confirms the payment a moment later; the page follows it.
    await page.getByText('Thank you! Your order is placed.').waitFor({ timeout: 20_000 });
    const code = (await page.getByTestId('pickup-code').textContent())!.trim();
    expect(code).toMatch(/^\d{6,8}$/);
    await snap(page, '12-shop-order-paid');
    const orderId = new URL(page.url()).pathname.split('/').at(-1)!;

    await clerk.getByRole('tab', { name: 'Scan' }).click();
    await field(clerk, 'scan-input').fill(code);
    await field(clerk, 'scan-input').press('Enter');
    await clerk.getByTestId('mark-ready').click();
    await clerk.getByTestId('hand-over').click();
    await clerk.getByText('Handed over').waitFor();
    await snap(clerk, '13-clerk-hands-over-web-order');

    // The worker handled order.paid: the points are earned, frozen until the return window closes.
    const order = (await t.call('GET', `/v1/orders/${orderId}`)).body;
    const points = Math.floor(order.grandTotal / 100);
    expect(points).toBeGreaterThan(0);
    await expect.poll(async () => (await t.call('GET', `/v1/members/${order.customerId}`)).body.frozen, { timeout: 10_000 }).toBe(points);
    await page.goto(`${server.base}/shop/me`);
    await page.getByText(`${points} more once the return window closes`).waitFor();
    expect(await page.getByTestId('points').textContent()).toBe('0 points');
    await snap(page, '14-shop-member-points');

    await page.locator('.ant-radio-button-wrapper', { hasText: 'Orders' }).click();
    await page.getByText('fulfilled').first().waitFor();
    await snap(page, '15-shop-member-orders');
    pageErrors.push(...errors);
    expect(pageErrors).toEqual([]);
  });

  it("a shopper books an appointment at the flagship, the clerk sees it if it is today's, and the shopper moves and cancels it", async () => {
    const { t } = server;
    const page = shopper;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    onTestFailed(async () => { await snap(page, 'failed-shop-appointment'); await snap(clerk, 'failed-clerk'); });
    const token = await page.evaluate(() => localStorage.getItem('omniloop.shop.token'));
    const mine = async () => (await t.call('GET', '/v1/shopper/appointments', undefined, { token })).body.data;

    /** Today's first free time, or the next day's that has one; returns it as the button shows it. */
    const chooseFreeTime = async () => {
      const days = page.getByTestId('appt-day');
      const free = page.locator('[data-testid="appt-slot"]:not([disabled])');
      for (let day = 0; day < 7; day++) {
        await days.nth(day).click();
        await expect.poll(() => days.nth(day).getAttribute('class')).toContain('ant-btn-primary');
        await page.locator('[data-testid="appt-slot"], .ant-empty').first().waitFor();
        if (await free.count()) break;
      }
      const time = (await free.first().textContent())!.trim();
      await free.first().click();
      return time;
    };

    await page.goto(`${server.base}/shop/me?section=Appointments`);
    // On a loaded machine the member page can still be re-rendering as the button is clicked, and
    // that click is lost (the page stays where it is): it is clicked again until the booking opens.
    const book = page.getByTestId('book-appointment');
    await expect.poll(async () => {
      if (await book.isVisible()) await book.click();
      return page.getByTestId('appt-store').count();
    }, { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('appt-store').filter({ hasText: 'Nanjing Road flagship' }).click();
    await page.getByTestId('appt-service').filter({ hasText: 'Personal styling' }).click();
    const time = await chooseFreeTime();
    await page.getByTestId('appt-summary').waitFor();
    await snap(page, '16-shop-book-appointment');
    await page.getByTestId('confirm-booking').click();
    await page.getByTestId('my-appointment').first().waitFor();
    const [booked] = await mine();
    expect(booked.status).toBe('booked');
    expect(await page.getByTestId('my-appointment').first().textContent()).toContain(time);
    await snap(page, '17-shop-my-appointments');

    // The clerk's list of today's appointments at the flagship has it, when the time is today there.
    const storeToday = new Intl.DateTimeFormat('en-CA', { timeZone: booked.timezone }).format(new Date());
    if (booked.start.slice(0, 10) === storeToday) {
      const clerkTime = await clerk.evaluate(([iso, timeZone]) => new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso)), [booked.start, booked.timezone]);
      await clerk.getByRole('tab', { name: 'Today' }).click();
      await clerk.locator('.ant-list-item', { hasText: 'Personal styling' }).filter({ hasText: clerkTime }).first().waitFor();
      await snap(clerk, '18-clerk-today-appointments');
    }

    await page.getByTestId('reschedule').click();
    await chooseFreeTime();
    await page.getByTestId('confirm-reschedule').click();
    await expect.poll(async () => (await mine())[0].start).not.toBe(booked.start);
    await page.getByTestId('reschedule').waitFor();
    await snap(page, '19-shop-appointment-moved');

    await page.getByTestId('cancel-appointment').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Cancel appointment' }).click();
    await expect.poll(async () => (await mine())[0].status).toBe('cancelled');
    await page.getByTestId('my-appointment').getByText('cancelled').waitFor();
    await snap(page, '20-shop-appointment-cancelled');
    expect(errors).toEqual([]);
  });
});
