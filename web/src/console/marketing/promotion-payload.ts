import dayjs, { type Dayjs } from 'dayjs';
import { formatMinor, minor } from './money';

/** The promotion builder's form values, and their conversion to and from the API's shapes. */

export const RULE_TYPES = ['percentage', 'fixed', 'threshold', 'buy_x_get_y', 'bundle', 'member_price', 'free_shipping', 'gift'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/** Money fields hold what the operator typed (yuan); everything else is as the API has it. */
export interface RuleValues {
  type: RuleType;
  percent?: number;
  maxDiscount?: string;
  amount?: string;
  tiers?: Array<{ minSubtotal?: string; discount?: string }>;
  buy?: number;
  get?: number;
  items?: Array<{ variantId?: string; quantity?: number }>;
  price?: string;
  prices?: Array<{ variantId?: string; amount?: string }>;
  variantId?: string;
  quantity?: number;
}

export interface PromotionValues {
  name: string;
  description?: string;
  trigger: 'automatic' | 'coupon';
  stacking: 'exclusive' | 'stackable';
  priority: number;
  currency: string;
  timeZone: string;
  rule: RuleValues;
  conditions: {
    channelIds?: string[];
    storeIds?: string[];
    productIds?: string[];
    variantIds?: string[];
    categoryIds?: string[];
    minSubtotal?: string;
    minQuantity?: number;
    customerTiers?: string[];
    customerIds?: string[];
    firstOrderOnly?: boolean;
    daysOfWeek?: number[];
    hours?: [Dayjs, Dayjs] | null;
  };
  window?: [Dayjs | null, Dayjs | null] | null;
  usageLimit?: number | null;
  perCustomerLimit?: number | null;
  budget?: string;
}

export const emptyPromotion = (currency = 'CNY'): PromotionValues => ({
  name: '',
  trigger: 'automatic',
  stacking: 'stackable',
  priority: 0,
  currency,
  timeZone: 'Asia/Shanghai',
  rule: { type: 'threshold', tiers: [{}], percent: 100, quantity: 1, items: [{ quantity: 1 }, { quantity: 1 }], prices: [{}] },
  conditions: {},
});

function ruleOut(r: RuleValues, cur: string): Record<string, unknown> {
  switch (r.type) {
    case 'percentage': return { type: r.type, percent: r.percent, ...(minor(r.maxDiscount, cur) !== undefined ? { maxDiscount: minor(r.maxDiscount, cur) } : {}) };
    case 'fixed': return { type: r.type, amount: minor(r.amount, cur) };
    case 'threshold': return { type: r.type, tiers: (r.tiers ?? []).map((x) => ({ minSubtotal: minor(x.minSubtotal, cur), discount: minor(x.discount, cur) })) };
    case 'buy_x_get_y': return { type: r.type, buy: r.buy, get: r.get, percent: r.percent ?? 100 };
    case 'bundle': return { type: r.type, items: (r.items ?? []).map((x) => ({ variantId: x.variantId, quantity: x.quantity })), price: minor(r.price, cur) };
    case 'member_price': return { type: r.type, prices: (r.prices ?? []).map((x) => ({ variantId: x.variantId, amount: minor(x.amount, cur) })) };
    case 'free_shipping': return { type: r.type, ...(minor(r.maxDiscount, cur) !== undefined ? { maxDiscount: minor(r.maxDiscount, cur) } : {}) };
    case 'gift': return { type: r.type, variantId: r.variantId, quantity: r.quantity ?? 1 };
  }
}

function ruleIn(r: any, cur: string): RuleValues {
  const base = emptyPromotion(cur).rule;
  switch (r.type) {
    case 'threshold': return { ...base, type: r.type, tiers: r.tiers.map((x: any) => ({ minSubtotal: formatMinor(x.minSubtotal, cur), discount: formatMinor(x.discount, cur) })) };
    case 'bundle': return { ...base, type: r.type, items: r.items, price: formatMinor(r.price, cur) };
    case 'member_price': return { ...base, type: r.type, prices: r.prices.map((x: any) => ({ variantId: x.variantId, amount: formatMinor(x.amount, cur) })) };
    default: return { ...base, ...r, maxDiscount: formatMinor(r.maxDiscount, cur), amount: formatMinor(r.amount, cur) };
  }
}

const some = <T>(list: T[] | undefined) => (list?.length ? list : undefined);

/** The body of POST /v1/promotions (with a status) or PATCH /v1/promotions/:id (without). */
export function toPromotionBody(v: PromotionValues): Record<string, unknown> {
  const cur = v.currency;
  const c = v.conditions ?? {};
  const conditions = Object.fromEntries(Object.entries({
    channelIds: some(c.channelIds),
    storeIds: some(c.storeIds),
    productIds: some(c.productIds),
    variantIds: some(c.variantIds),
    categoryIds: some(c.categoryIds),
    minSubtotal: minor(c.minSubtotal, cur),
    minQuantity: c.minQuantity ?? undefined,
    customerTiers: some(c.customerTiers),
    customerIds: some(c.customerIds),
    firstOrderOnly: c.firstOrderOnly || undefined,
    daysOfWeek: some(c.daysOfWeek),
    hours: c.hours?.[0] && c.hours[1] ? { start: c.hours[0].format('HH:mm'), end: c.hours[1].format('HH:mm') } : undefined,
  }).filter(([, x]) => x !== undefined));
  return {
    name: v.name.trim(),
    description: v.description?.trim() || null,
    trigger: v.trigger,
    stacking: v.stacking,
    priority: v.priority ?? 0,
    currency: cur,
    timeZone: v.timeZone,
    rule: ruleOut(v.rule, cur),
    conditions,
    startsAt: v.window?.[0]?.toISOString() ?? null,
    endsAt: v.window?.[1]?.toISOString() ?? null,
    usageLimit: v.usageLimit ?? null,
    perCustomerLimit: v.perCustomerLimit ?? null,
    budget: minor(v.budget, cur) ?? null,
  };
}

/** A stored promotion as form values, for editing. */
export function fromPromotion(p: any): PromotionValues {
  const cur = p.currency;
  const c = p.conditions ?? {};
  const hm = (s: string) => dayjs().startOf('day').hour(Number(s.slice(0, 2))).minute(Number(s.slice(3, 5)));
  return {
    name: p.name,
    description: p.description ?? undefined,
    trigger: p.trigger,
    stacking: p.stacking,
    priority: p.priority,
    currency: cur,
    timeZone: p.timeZone,
    rule: ruleIn(p.rule, cur),
    conditions: { ...c, minSubtotal: formatMinor(c.minSubtotal, cur), hours: c.hours ? [hm(c.hours.start), hm(c.hours.end)] : null },
    window: p.startsAt || p.endsAt ? [p.startsAt ? dayjs(p.startsAt) : null, p.endsAt ? dayjs(p.endsAt) : null] : null,
    usageLimit: p.usageLimit,
    perCustomerLimit: p.perCustomerLimit,
    budget: formatMinor(p.budget, cur),
  };
}
