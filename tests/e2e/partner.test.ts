import { describe, expect, it, onTestFailed } from 'vitest';
import { hasChromium, openPage, seededBrowser, snap } from './browser.js';

/**
 * A partner merchant's counter in a real browser: the demo's partner optician signs in to the clerk
 * screen, is told members are not looked up there, scans a shopper's lens voucher and redeems it;
 * the partner is owed for it on its statement.
 */
describe.skipIf(!hasChromium)("a partner's clerk at the counter", () => {
  const env = seededBrowser();
  const { call } = env;

  it('redeems a lens voucher the brand sold, looks up no members, and the partner is owed for it', async () => {
    const [partner] = (await call('GET', '/v1/partners')).data;
    const [store] = (await call('GET', `/v1/locations?partnerId=${partner.id}`)).data;
    const [unused] = (await call('GET', `/v1/vouchers?status=active&locationId=${store.id}`)).data;
    const period = `from=${new Date(Date.now() - 86400_000).toISOString()}&to=${new Date(Date.now() + 3600_000).toISOString()}`;
    const owedBefore = (await call('GET', `/v1/partners/${partner.id}/statement?${period}`)).totals;

    const { page: clerk } = await openPage(env.browser, { width: 375 });
    onTestFailed(() => snap(clerk, 'failed-partner-clerk'));
    const asked: string[] = [];
    clerk.on('request', (r) => asked.push(new URL(r.url()).pathname));
    const input = (id: string) => clerk.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
    await clerk.goto(`${env.server.base}/clerk`);
    await input('email').fill('clerk.partner@demo.omniloop.dev');
    await input('password').fill('omniloop-demo');
    await clerk.getByTestId('sign-in').click();
    await expect.poll(() => clerk.getByTestId('clerk-store').textContent()).toContain(store.name);

    await input('scan-input').fill('zhou.min@example.com');
    await input('scan-input').press('Enter');
    await clerk.getByTestId('no-members').waitFor();
    expect(asked.filter((p) => p.startsWith('/v1/customers') || p.startsWith('/v1/members'))).toEqual([]);

    await input('scan-input').fill(unused.code);
    await input('scan-input').press('Enter');
    await clerk.getByTestId('redeem').click();
    await clerk.getByText('Redeemed: 0 uses left').waitFor();
    await snap(clerk, 'partner-01-clerk-redeemed');

    const owed = (await call('GET', `/v1/partners/${partner.id}/statement?${period}`)).totals;
    expect(owed.redemptions).toBe(owedBefore.redemptions + 1);
    expect(owed.net - owedBefore.net).toBe(12000);
  });
});
