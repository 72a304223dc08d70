import { budgetLeft, checkSale, Clock, lineCounts, type Miss } from './conditions.js';
import { computeEffect, type Effect } from './rules.js';
import type { CompiledPromotion, PromotionSnapshot } from './snapshot.js';
import type { PricingInput, PricingResult, PriceAdjustment, UsageCounters } from './promotion.types.js';

/**
 * The promotion engine, pure over a snapshot. Two phases: automatic promotions on list prices, then
 * the presented coupons on what is left. In each phase the shopper gets the better of (a) every
 * stackable offer applied in priority order, each on the amounts left by the ones before, or
 * (b) the best single exclusive offer.
 */

interface Work {
  current: number[];
  shipping: number;
}

interface NotApplied {
  promotionId: string;
  reason: Miss['reason'];
  detail: string;
}

interface Outcome {
  effects: Effect[];
  work: Work;
  total: number;
}

interface Env {
  input: PricingInput;
  clock: Clock;
  usage?: UsageCounters;
}

function tryPromotion(c: CompiledPromotion, work: Work, env: Env): Effect | Miss {
  const sale = checkSale(c, env.input, env.clock, env.usage);
  if (sale) return sale;
  const lines = env.input.lines;
  const eligible: number[] = [];
  let units = 0;
  let amount = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lineCounts(c, lines[i])) continue;
    eligible.push(i);
    units += lines[i].quantity;
    amount += work.current[i];
  }
  const cond = c.promotion.conditions;
  const rule = c.promotion.rule.type;
  // Shipping and gifts need no line of their own, unless the promotion names which lines count.
  if (!eligible.length && (c.lineScoped || (rule !== 'free_shipping' && rule !== 'gift'))) return { reason: 'condition_not_met', detail: 'no line of the cart qualifies' };
  if (cond.minQuantity !== undefined && units < cond.minQuantity) return { reason: 'condition_not_met', detail: `needs ${cond.minQuantity} qualifying items, the cart has ${units}` };
  if (cond.minSubtotal !== undefined && amount < cond.minSubtotal) return { reason: 'condition_not_met', detail: `needs ${cond.minSubtotal} of qualifying items, the cart has ${amount}` };
  const e = computeEffect(c, lines, eligible, work.current, work.shipping);
  if (!('c' in e)) return e;
  if (e.total === 0 && !e.gift) return { reason: 'no_discount', detail: 'nothing left to discount' };
  const left = budgetLeft(c, env.usage);
  if (e.total > left) return { reason: 'budget_exhausted', detail: `needs ${e.total}, ${left} of the budget is left` };
  return e;
}

/** Takes an effect off the amounts still to pay. */
function take(work: Work, e: Effect): void {
  for (const [i, a] of e.lines) work.current[i] -= a;
  work.shipping -= e.shipping;
}

function runPhase(candidates: CompiledPromotion[], start: Work, env: Env, out: NotApplied[]): Outcome {
  const misses: NotApplied[] = [];
  // Stackable offers take turns on one working copy; exclusive ones are each tried on `start`.
  const stacked: Outcome = { effects: [], work: { current: start.current.slice(), shipping: start.shipping }, total: 0 };
  const exclusive: Effect[] = [];
  const explain = env.input.explain !== false;
  for (const c of candidates) {
    const alone = c.promotion.stacking === 'exclusive';
    const r = tryPromotion(c, alone ? start : stacked.work, env);
    if (!('c' in r)) {
      if (explain) misses.push({ promotionId: c.promotion.id, reason: r.reason, detail: r.detail });
    } else if (alone) {
      exclusive.push(r);
    } else {
      stacked.effects.push(r);
      take(stacked.work, r);
      stacked.total += r.total;
    }
  }
  // Candidates come in priority order, so among equal exclusive offers the higher priority wins.
  let winner: Effect | null = null;
  for (const e of exclusive) {
    const best = winner ? winner.total : stacked.total;
    if (e.total > best || (e.total === best && !winner && !stacked.effects.length)) winner = e;
  }
  const losers = !explain ? [] : winner ? [...stacked.effects, ...exclusive.filter((e) => e !== winner)] : exclusive;
  for (const e of losers) {
    const detail = winner
      ? `${winner.c.promotion.name} (${winner.c.promotion.id}) gives ${winner.total}, more than this offer's ${e.total} alone or combined`
      : `the combined stackable offers give ${stacked.total}, at least this exclusive offer's ${e.total}`;
    out.push({ promotionId: e.c.promotion.id, reason: 'lost_to_better_offer', detail });
  }
  out.push(...misses);
  if (!winner) return stacked;
  const work = { current: start.current.slice(), shipping: start.shipping };
  take(work, winner);
  return { effects: [winner], work, total: winner.total };
}

/**
 * Automatic promotions that may concern the cart, from the snapshot's indexes, in priority order. A
 * pricing finds them once and passes them both to limitedCandidates and to evaluatePromotions.
 */
export function automaticCandidates(s: PromotionSnapshot, input: PricingInput): CompiledPromotion[] {
  // Marking ranks and reading them back in order gives the priority order without sorting.
  const marked = new Uint8Array(s.byRank.length);
  const mark = (list: CompiledPromotion[] | undefined) => {
    if (list) for (const c of list) marked[c.rank] = 1;
  };
  mark(s.anyLine);
  mark(s.anyLineByChannel.get(input.channelId));
  mark(s.anyLineByKind.get(input.channelKind));
  for (const l of input.lines) {
    mark(s.byVariant.get(l.variantId));
    mark(s.byProduct.get(l.productId));
    for (const cat of l.categoryIds) mark(s.byCategory.get(cat));
  }
  const found: CompiledPromotion[] = [];
  for (let r = 0; r < marked.length; r++) if (marked[r]) found.push(s.byRank[r]);
  return found;
}

function couponCandidates(s: PromotionSnapshot, input: PricingInput, ids: string[], out: NotApplied[]): CompiledPromotion[] {
  const found: CompiledPromotion[] = [];
  for (const id of new Set(ids)) {
    const c = s.byId.get(id);
    if (c && c.promotion.trigger === 'coupon') found.push(c);
    else if (input.explain !== false) out.push({ promotionId: id, reason: 'not_available', detail: c ? 'an automatic promotion cannot be presented as a coupon' : 'no active coupon promotion has this id' });
  }
  return found.sort((a, b) => a.rank - b.rank);
}

/** Ids of limited promotions the cart may use, whose live counters the caller should pass as `usage`. */
export function limitedCandidates(s: PromotionSnapshot, input: PricingInput, auto = automaticCandidates(s, input)): string[] {
  const ids: string[] = [];
  if (!s.hasLimited) return ids;
  for (const c of auto) if (c.limited) ids.push(c.promotion.id);
  for (const id of input.couponPromotionIds ?? []) if (s.byId.get(id)?.limited) ids.push(id);
  return ids;
}

export function evaluatePromotions(s: PromotionSnapshot, input: PricingInput, usage?: UsageCounters, auto = automaticCandidates(s, input)): PricingResult {
  const env: Env = { input, clock: new Clock((input.at ?? new Date()).getTime()), usage };
  const notApplied: NotApplied[] = [];
  const start: Work = { current: input.lines.map((l) => l.unitPrice * l.quantity), shipping: input.shipping };
  const automatic = runPhase(auto, start, env, notApplied);
  const coupons = input.couponPromotionIds?.length ? runPhase(couponCandidates(s, input, input.couponPromotionIds, notApplied), automatic.work, env, notApplied) : null;
  const effects = coupons ? [...automatic.effects, ...coupons.effects] : automatic.effects;
  const final = coupons ? coupons.work : automatic.work;

  const perLine: PriceAdjustment[][] = input.lines.map(() => []);
  const shippingAdj: PriceAdjustment[] = [];
  const giftLines: PricingResult['giftLines'] = [];
  for (const e of effects) {
    const { id: promotionId, name } = e.c.promotion;
    for (const [i, amount] of e.lines) perLine[i].push({ promotionId, name, amount });
    if (e.shipping > 0) shippingAdj.push({ promotionId, name, amount: e.shipping });
    if (e.gift) giftLines.push({ promotionId, name, variantId: e.gift.variantId, quantity: e.gift.quantity, unitPrice: 0 });
  }
  const lines = input.lines.map((l, i) => {
    const subtotal = start.current[i];
    return { lineId: l.lineId, subtotal, adjustments: perLine[i], discount: subtotal - final.current[i], total: final.current[i] };
  });
  const subtotal = start.current.reduce((a, b) => a + b, 0);
  const discountTotal = subtotal - final.current.reduce((a, b) => a + b, 0) + (input.shipping - final.shipping);
  return {
    currency: input.currency,
    lines,
    giftLines,
    shipping: { amount: final.shipping, adjustments: shippingAdj },
    subtotal,
    discountTotal,
    total: subtotal + input.shipping - discountTotal,
    applied: effects.map((e) => ({ promotionId: e.c.promotion.id, name: e.c.promotion.name, trigger: e.c.promotion.trigger, amount: e.total })),
    notApplied,
  };
}
