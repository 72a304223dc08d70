import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { TestApp } from '../../../tests/harness.js';
import { addDays, localDate } from '../../platform/zoned-time.js';

/** Shared set-up of the appointments tests: stores through the stores API, dates ahead of today. */

let stores = 0;

export async function createStore(t: TestApp, opts: { timezone?: string; openingHours?: object; exceptions?: object[]; kind?: 'store' | 'warehouse' } = {}): Promise<string> {
  const all = { open: '09:00', close: '18:00' };
  const res = await t.call('POST', '/v1/locations', {
    kind: opts.kind ?? 'store',
    code: `APT-${++stores}`,
    name: `Store ${stores}`,
    address: { line1: '1 Main Road', city: 'Shanghai', country: 'CN' },
    geo: { lat: 31.2, lng: 121.5 },
    timezone: opts.timezone ?? 'Asia/Shanghai',
    openingHours: opts.openingHours ?? { mon: [all], tue: [all], wed: [all], thu: [all], fri: [all], sat: [all], sun: [all] },
    exceptions: opts.exceptions ?? [],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

export async function createService(t: TestApp, body: Record<string, unknown>): Promise<any> {
  const res = await t.call('POST', '/v1/appointment-services', { kind: 'fitting', name: 'Suit fitting', durationMinutes: 60, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/**
 * A till at `storeId` selling one product in stock there; returns a function ringing one up (for a
 * customer when given): the order an installation is bought with.
 */
export async function tillAt(t: TestApp, storeId: string): Promise<(customerId?: string) => Promise<{ id: string; lineId: string }>> {
  const made = async (method: string, url: string, body: object) => {
    const res = await t.call(method, url, body);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const channelId = (await made('POST', '/v1/channels', { code: `apt-till-${storeId.toLowerCase()}`, name: 'Till', kind: 'pos', currency: 'CNY' })).id;
  await made('PUT', `/v1/channels/${channelId}/locations`, { locations: [{ locationId: storeId }] });
  const product = await made('POST', '/v1/products', { title: 'TV', status: 'active', type: 'physical', variants: [{ sku: `APT-TV-${storeId}`, prices: [{ currency: 'CNY', amount: 299900 }] }], channelIds: [channelId] });
  const variantId = product.variants[0].id;
  await made('POST', '/v1/stock/adjustments', { variantId, locationId: storeId, delta: 100, reason: 'receipt' });
  return async (customerId) => {
    const sale = await made('POST', '/v1/pos/sales', { locationId: storeId, channelId, ...(customerId ? { customerId } : {}), lines: [{ variantId, quantity: 1 }], payment: { provider: 'manual', method: 'card' } });
    return { id: sale.id, lineId: sale.lines[0].id };
  };
}

/** A local date `days` after today in the zone: far enough ahead for any lead time used in tests. */
export const dayAhead = (days: number, timeZone = 'Asia/Shanghai') => addDays(localDate(Date.now(), timeZone), days);

/** Shanghai local time on a date as an ISO string with offset, e.g. at('2026-06-01', '10:00'). */
export const at = (date: string, hhmm: string) => `${date}T${hhmm}:00+08:00`;

/** An SMS provider on loopback that keeps what it is sent, so tests can read sign-in codes. */
export async function smsInbox(): Promise<{ url: string; server: Server; signIn(t: TestApp, phone: string): Promise<string> }> {
  const texts: Array<{ to: string; text: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      texts.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  return {
    url,
    server,
    async signIn(t, phone) {
      expect((await t.call('POST', '/v1/shopper/auth/codes', { phone }, { token: null })).status).toBe(202);
      const code = texts.filter((m) => m.to === phone).at(-1)!.text.match(/\d{6}/)![0];
      const res = await t.call('POST', '/v1/shopper/auth/sessions', { phone, code }, { token: null });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.token;
    },
  };
}
