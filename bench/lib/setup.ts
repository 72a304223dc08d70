import type { Request, Response } from './load.js';
import { runLoad } from './load.js';

type Send = (req: Request) => Promise<Response>;

/** Sends a setup request and fails loudly: a benchmark on a half-built catalog measures nothing. */
export async function must(send: Send, method: string, path: string, body?: unknown): Promise<any> {
  const res = await send({ method, path, body });
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createChannel(send: Send, code: string, kind = 'web') {
  return must(send, 'POST', '/v1/channels', { code, name: code, kind, currency: 'CNY' });
}

export async function createLocations(send: Send, n: number, tag: string) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(await must(send, 'POST', '/v1/locations', {
      kind: i === 0 ? 'warehouse' : 'store',
      code: `${tag}-${i}`,
      name: `${tag} ${i}`,
      address: { line1: `${i} Bench Road`, city: 'Shanghai', country: 'CN' },
      geo: { lat: 31.2 + i / 100, lng: 121.4 + i / 100 },
      timezone: 'Asia/Shanghai',
      priority: i,
    }));
  }
  return out;
}

/** `count` variants over products of at most 500 variants, priced and listed on `channelIds`. */
export async function createVariants(send: Send, count: number, tag: string, channelIds: string[]): Promise<any[]> {
  const variants: any[] = [];
  for (let p = 0; variants.length < count; p++) {
    const n = Math.min(500, count - variants.length);
    const product = await must(send, 'POST', '/v1/products', {
      title: `${tag} product ${p}`,
      status: 'active',
      variants: Array.from({ length: n }, (_, i) => ({ sku: `${tag}-${p}-${i}`, prices: [{ currency: 'CNY', amount: 9900 + i }] })),
      channelIds,
    });
    variants.push(...product.variants);
  }
  return variants;
}

/** Receives `units` of every variant at every location, 16 requests at a time. */
export async function receiveStock(send: Send, variantIds: string[], locationIds: string[], units: number) {
  const jobs = variantIds.flatMap((variantId) => locationIds.map((locationId) => ({ variantId, locationId })));
  const res = await runLoad({
    concurrency: 16,
    send,
    next: (_c, _i) => {
      const j = jobs.pop();
      return j ? { method: 'POST', path: '/v1/stock/adjustments', body: { ...j, delta: units, reason: 'receipt' } } : null;
    },
    maxSeconds: 600,
  });
  if (res.ok !== res.requests) throw new Error(`stock receipts failed: ${JSON.stringify(res.statuses)}`);
}
