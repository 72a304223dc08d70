import type { Conditions, Promotion, Rule } from './promotion.types.js';

/**
 * A promotion prepared for fast evaluation: id lists become sets, times become numbers, and the
 * snapshot indexes automatic promotions by what they are about (variant, product, category, channel)
 * so a cart looks at the few that concern it, not at every active promotion.
 */
export interface CompiledPromotion {
  promotion: Promotion;
  /** Position in (priority desc, id asc) order over the whole snapshot. */
  rank: number;
  bps: number;
  startsAt: number;
  endsAt: number;
  channelIds: Set<string> | null;
  channelKinds: Set<string> | null;
  storeIds: Set<string> | null;
  customerTiers: Set<string> | null;
  customerIds: Set<string> | null;
  daysOfWeek: Set<number> | null;
  hours: { start: number; end: number } | null;
  /** Whether only some lines count (product, variant or category conditions). */
  lineScoped: boolean;
  variantIds: Set<string> | null;
  productIds: Set<string> | null;
  categoryIds: Set<string> | null;
  /** Rule variants: bundle items or member prices (null for other rules). */
  ruleVariants: Map<string, number> | null;
  limited: boolean;
}

export interface PromotionSnapshot {
  stamp: string;
  /** Every promotion in (priority desc, id asc) order: index = rank. */
  byRank: CompiledPromotion[];
  byId: Map<string, CompiledPromotion>;
  byVariant: Map<string, CompiledPromotion[]>;
  byProduct: Map<string, CompiledPromotion[]>;
  byCategory: Map<string, CompiledPromotion[]>;
  /** Automatic promotions for every line, by the channel or channel kind they are limited to. */
  anyLineByChannel: Map<string, CompiledPromotion[]>;
  anyLineByKind: Map<string, CompiledPromotion[]>;
  anyLine: CompiledPromotion[];
  /** Whether any promotion has a usage limit or budget (whose live counters pricing must read). */
  hasLimited: boolean;
}

const set = <T>(xs: T[] | undefined): Set<T> | null => (xs && xs.length ? new Set(xs) : null);

export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function ruleVariants(rule: Rule): Map<string, number> | null {
  if (rule.type === 'bundle') return new Map(rule.items.map((i) => [i.variantId, i.quantity]));
  if (rule.type === 'member_price') return new Map(rule.prices.map((p) => [p.variantId, p.amount]));
  return null;
}

function compile(p: Promotion, rank: number): CompiledPromotion {
  const c: Conditions = p.conditions;
  const variantIds = set(c.variantIds);
  const productIds = set(c.productIds);
  const categoryIds = set(c.categoryIds);
  return {
    promotion: p,
    rank,
    bps: p.rule.type === 'percentage' || p.rule.type === 'buy_x_get_y' ? Math.round(p.rule.percent * 100) : 0,
    startsAt: p.startsAt ? Date.parse(p.startsAt) : -Infinity,
    endsAt: p.endsAt ? Date.parse(p.endsAt) : Infinity,
    channelIds: set(c.channelIds),
    channelKinds: set(c.channelKinds),
    storeIds: set(c.storeIds),
    customerTiers: set(c.customerTiers),
    customerIds: set(c.customerIds),
    daysOfWeek: set(c.daysOfWeek),
    hours: c.hours ? { start: minutesOf(c.hours.start), end: minutesOf(c.hours.end) } : null,
    lineScoped: Boolean(variantIds || productIds || categoryIds),
    variantIds,
    productIds,
    categoryIds,
    ruleVariants: ruleVariants(p.rule),
    limited: p.usageLimit !== null || p.perCustomerLimit !== null || p.budget !== null,
  };
}

function push<K>(m: Map<K, CompiledPromotion[]>, k: K, c: CompiledPromotion) {
  const list = m.get(k);
  if (list) list.push(c);
  else m.set(k, [c]);
}

/** Builds the evaluation snapshot from active promotions (others are left out). */
export function buildSnapshot(promotions: Promotion[], stamp = 'local'): PromotionSnapshot {
  const active = promotions
    .filter((p) => p.status === 'active')
    .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const s: PromotionSnapshot = {
    stamp,
    byRank: [],
    byId: new Map(),
    byVariant: new Map(),
    byProduct: new Map(),
    byCategory: new Map(),
    anyLineByChannel: new Map(),
    anyLineByKind: new Map(),
    anyLine: [],
    hasLimited: false,
  };
  active.forEach((p, rank) => {
    const c = compile(p, rank);
    s.byRank.push(c);
    s.byId.set(p.id, c);
    if (c.limited) s.hasLimited = true;
    if (p.trigger !== 'automatic') return;
    if (c.lineScoped) {
      for (const v of c.variantIds ?? []) push(s.byVariant, v, c);
      for (const v of c.productIds ?? []) push(s.byProduct, v, c);
      for (const v of c.categoryIds ?? []) push(s.byCategory, v, c);
    } else if (c.ruleVariants) {
      // A bundle or member price only ever touches its own variants.
      for (const v of c.ruleVariants.keys()) push(s.byVariant, v, c);
    } else if (c.channelIds) {
      for (const ch of c.channelIds) push(s.anyLineByChannel, ch, c);
    } else if (c.channelKinds) {
      for (const k of c.channelKinds) push(s.anyLineByKind, k, c);
    } else {
      s.anyLine.push(c);
    }
  });
  return s;
}
