import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../harness.js';
import { seedDemo } from '../../src/cli/seed-demo.js';
import { addDemoActivity, type Activity } from './demo-activity.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** The newest modification time under a folder. */
function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
}

/** The server serves web/dist; a fresh clone, or sources changed since the last build, build it here. */
export async function ensureWebBuilt(): Promise<void> {
  const index = join(ROOT, 'web/dist/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'web/src'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
}

export interface DemoServer {
  t: TestApp;
  base: string;
  activity: Activity;
  close(): Promise<void>;
}

export interface SeededServer {
  t: TestApp;
  base: string;
  /** A storefront (publishable) key. */
  key: string;
}

/**
 * The demo brand on a fresh database, listening on a free loopback port with its worker running:
 * the test payment provider calls back to that address, and paid orders move on.
 */
export async function startSeededServer(): Promise<SeededServer> {
  const t = await startTestApp();
  await seedDemo(t.omni);
  await t.omni.app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(t.omni.app.server.address() as AddressInfo).port}`;
  t.omni.config.publicUrl = base;
  t.omni.worker.start();
  const key = (await t.call('POST', '/v1/api-keys', { name: 'storefront', kind: 'publishable', scopes: ['catalog:read', 'inventory:read'] })).body.token as string;
  return { t, base, key };
}

/**
 * The demo brand and a browser for the tests of one file: started before them, closed after. Its
 * `call` goes to the API as the owner and throws on anything but success.
 */
export function seededBrowser() {
  const env = {} as { server: SeededServer; browser: Browser; call(method: string, url: string, body?: unknown, token?: string): Promise<any> };
  env.call = async (method, url, body, token) => {
    const res = await env.server.t.call(method, url, body, token ? { token } : {});
    if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  beforeAll(async () => {
    await ensureWebBuilt();
    [env.server, env.browser] = await Promise.all([startSeededServer(), launchBrowser()]);
  }, 240_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.t.close();
  });
  return env;
}

/** The demo brand with a morning of trade, on a fresh database, listening on a free loopback port. */
export async function startDemoServer(): Promise<DemoServer> {
  const { t, base } = await startSeededServer();
  const activity = await addDemoActivity(async (method, url, body, token) => {
    const res = await t.call(method, url, body, token ? { token } : {});
    if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  });
  return { t, base, activity, close: () => t.close() };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** A page at a phone's or a desk's width, in the given language, with its console errors collected. */
export async function openPage(browser: Browser, opts: { width: number; lang?: 'en' | 'zh-CN' }): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: opts.width, height: opts.width < 600 ? 812 : 900 } });
  // Product photos live on a CDN the test machine cannot reach; the tiles fall back to initials.
  await context.route(/^https:\/\/img\./, (route) => route.abort());
  await context.addInitScript((lang) => localStorage.setItem('omniloop.lang', lang), opts.lang ?? 'en');
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Sticky headers are drawn where the page was scrolled to; from the top the picture reads right.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Opens an Ant Design select and clicks the option showing `text`. An open list closes when the
 * page re-renders under it (an answer arriving just then), so it is opened again until the option shows.
 */
export async function pickOption(page: Page, testId: string, text: string): Promise<void> {
  const option = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text }).first();
  for (let attempt = 1; ; attempt++) {
    await page.getByTestId(testId).click();
    try {
      await option.click({ timeout: 5_000 });
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      await page.keyboard.press('Escape');
    }
  }
}
