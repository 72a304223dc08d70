import type { Promotion, PricingInput, PricingLineInput } from './promotion.types.js';

/** Builders for engine tests and the pricing benchmark: an active automatic stackable promotion by default. */
let seq = 0;
export function promo(p: Partial<Promotion> & Pick<Promotion, 'rule'>): Promotion {
  seq++;
  return {
    id: `prm_${String(seq).padStart(6, '0')}`,
    name: `${p.rule.type} ${seq}`,
    description: null,
    status: 'active',
    trigger: 'automatic',
    stacking: 'stackable',
    priority: 0,
    currency: 'CNY',
    conditions: {},
    timeZone: 'Asia/Shanghai',
    startsAt: null,
    endsAt: null,
    usageLimit: null,
    perCustomerLimit: null,
    budget: null,
    used: 0,
    spent: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...p,
  };
}

export function line(lineId: string, unitPrice: number, quantity = 1, more: Partial<PricingLineInput> = {}): PricingLineInput {
  return { lineId, variantId: `var_${lineId}`, productId: `prod_${lineId}`, categoryIds: [], quantity, unitPrice, ...more };
}

/** A web cart in CNY on a Monday at 11:00 Shanghai time. */
export function cart(lines: PricingLineInput[], more: Partial<PricingInput> = {}): PricingInput {
  return { channelId: 'chn_web', channelKind: 'web', currency: 'CNY', at: new Date('2026-11-23T03:00:00Z'), lines, shipping: 0, ...more };
}
