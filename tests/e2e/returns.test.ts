import { describe, expect, it, onTestFailed } from 'vitest';
import { hasChromium, openPage, seededBrowser, snap } from './browser.js';

/**
 * A return across stores in a real browser: an order bought online and collected at the flagship
 * is brought back to another store, whose clerk finds it by its number, takes one item back and
 * refunds it; the stock goes back on that store's shelf.
 */
describe.skipIf(!hasChromium)('an online order returned at another store', () => {
  const env = seededBrowser();
  const { call } = env;
  const signIn = async (email: string) => (await call('POST', '/v1/auth/sessions', { email, password: 'omniloop-demo' })).token as string;
  const available = async (variantId: string, locationId: string) =>
    ((await call('GET', `/v1/stock?variantId=${variantId}&locationId=${locationId}`)).data[0]?.available ?? 0) as number;

  it("the other store's clerk finds the order by its number, takes an item back and refunds it", async () => {
    const stores = (await call('GET', '/v1/locations?kind=store')).data;
    const [flagship, other] = ['SH-NJR', 'SH-XTD'].map((code) => stores.find((l: any) => l.code === code));
    const web = (await call('GET', '/v1/channels')).data.find((c: any) => c.code === 'web');
    const shelf = (await call('GET', `/v1/stock?locationId=${flagship.id}&limit=500`)).data.filter((s: any) => s.available >= 2);
    const listing = (await env.server.t.call('GET', `/v1/channels/${web.id}/products?limit=100`, undefined, { token: env.server.key })).body.data;
    const variant = listing.filter((p: any) => p.type === 'physical').flatMap((p: any) => p.variants).find((v: any) => v.price && shelf.some((s: any) => s.variantId === v.id));
    expect(variant).toBeTruthy();

    // Bought online for pickup at the flagship, paid, and collected there.
    const cart = await call('POST', '/v1/carts', { channelId: web.id }, env.server.key);
    await call('POST', `/v1/carts/${cart.id}/lines`, { variantId: variant.id, quantity: 2 }, env.server.key);
    const placed = await call('POST', `/v1/carts/${cart.id}/checkout`, { fulfillment: [{ type: 'pickup', locationId: flagship.id }], contact: { email: 'back@example.com' }, payment: { provider: 'manual', method: 'qr' } });
    const flagshipClerk = await signIn('clerk.sh-njr@demo.omniloop.dev');
    const f = placed.fulfillments[0];
    await call('POST', `/v1/fulfillments/${f.id}/ready`, undefined, flagshipClerk);
    await call('POST', `/v1/fulfillments/${f.id}/pickup`, { code: f.pickupCode }, flagshipClerk);
    const before = await available(variant.id, other.id);

    const { page: clerk } = await openPage(env.browser, { width: 375 });
    onTestFailed(() => snap(clerk, 'failed-returns-clerk'));
    await clerk.goto(`${env.server.base}/clerk`);
    await clerk.locator('input[data-testid="email"], [data-testid="email"] input').first().fill('clerk.sh-xtd@demo.omniloop.dev');
    await clerk.locator('input[data-testid="password"], [data-testid="password"] input').first().fill('omniloop-demo');
    await clerk.getByTestId('sign-in').click();
    await expect.poll(() => clerk.getByTestId('clerk-store').textContent()).toContain(other.name);
    await clerk.getByRole('tab', { name: 'Returns' }).click();
    const search = clerk.locator('input[data-testid="return-order"], [data-testid="return-order"] input').first();
    await search.fill(placed.id);
    await search.press('Enter');
    await clerk.getByText('2 of 2 can be returned').waitFor();
    await clerk.locator('.ant-list-item .ant-input-number input').first().fill('1');
    await clerk.getByPlaceholder('Reason').fill('too many');
    await clerk.getByRole('button', { name: 'Take back and refund' }).click();
    await clerk.getByText('Returned; refunded').waitFor();
    await clerk.getByText('1 of 2 can be returned').waitFor();
    await snap(clerk, 'returns-01-clerk-other-store');

    const after = await call('GET', `/v1/orders/${placed.id}`);
    expect(after).toMatchObject({ status: 'partially_refunded', refundedAmount: variant.price.amount });
    expect(await available(variant.id, other.id)).toBe(before + 1);
  });
});
