import { allocateExact } from './allocation.js';
import type { Miss } from './conditions.js';
import type { CompiledPromotion } from './snapshot.js';
import type { PricingLineInput } from './promotion.types.js';

/**
 * What one promotion gives on the amounts still to pay (`current`, per line, after earlier
 * discounts). Every line part is at most that line's current amount, so no line goes negative.
 */
export interface Effect {
  c: CompiledPromotion;
  /** [line index, amount] pairs with amount > 0. */
  lines: Array<[number, number]>;
  shipping: number;
  gift: { variantId: string; quantity: number } | null;
  total: number;
}

const notMet = (detail: string): Miss => ({ reason: 'condition_not_met', detail });

function effect(c: CompiledPromotion, lines: Array<[number, number]>, shipping = 0, gift: Effect['gift'] = null): Effect {
  let total = shipping;
  const kept: Array<[number, number]> = [];
  for (const pair of lines) {
    if (pair[1] > 0) {
      kept.push(pair);
      total += pair[1];
    }
  }
  return { c, lines: kept, shipping, gift, total };
}

/** Spreads `amount` (at most the sum of weights) over lines in proportion to the weights, exactly. */
function spread(amount: number, idx: number[], weights: number[]): Array<[number, number]> {
  const parts = allocateExact(amount, weights);
  return idx.map((i, k) => [i, parts[k]]);
}

const sumOf = (idx: number[], current: number[]) => idx.reduce((s, i) => s + current[i], 0);

export function computeEffect(c: CompiledPromotion, lines: PricingLineInput[], eligible: number[], current: number[], shipping: number): Effect | Miss {
  const rule = c.promotion.rule;
  switch (rule.type) {
    case 'percentage': {
      const pairs: Array<[number, number]> = [];
      let total = 0;
      for (const i of eligible) {
        const off = Math.floor((current[i] * c.bps) / 10_000);
        if (off > 0) pairs.push([i, off]);
        total += off;
      }
      if (rule.maxDiscount !== undefined && total > rule.maxDiscount) return effect(c, spread(rule.maxDiscount, eligible, eligible.map((i) => current[i])));
      return { c, lines: pairs, shipping: 0, gift: null, total };
    }
    case 'fixed': {
      const base = sumOf(eligible, current);
      return effect(c, spread(Math.min(rule.amount, base), eligible, eligible.map((i) => current[i])));
    }
    case 'threshold': {
      const base = sumOf(eligible, current);
      let tier: { minSubtotal: number; discount: number } | undefined;
      for (const t of rule.tiers) if (base >= t.minSubtotal) tier = t;
      if (!tier) return notMet(`spend ${rule.tiers[0].minSubtotal - base} more to reach ${rule.tiers[0].minSubtotal}`);
      return effect(c, spread(Math.min(tier.discount, base), eligible, eligible.map((i) => current[i])));
    }
    case 'buy_x_get_y': {
      const units = eligible.reduce((s, i) => s + lines[i].quantity, 0);
      let free = Math.floor(units / (rule.buy + rule.get)) * rule.get;
      if (free === 0) return notMet(`needs ${rule.buy + rule.get} eligible items, the cart has ${units}`);
      // The cheapest units go free: order lines by what one unit still costs.
      const order = [...eligible].sort((a, b) => current[a] / lines[a].quantity - current[b] / lines[b].quantity || a - b);
      const pairs: Array<[number, number]> = [];
      for (const i of order) {
        if (free === 0) break;
        const k = Math.min(free, lines[i].quantity);
        free -= k;
        pairs.push([i, Math.floor((current[i] * k * c.bps) / (lines[i].quantity * 10_000))]);
      }
      return effect(c, pairs);
    }
    case 'bundle': {
      const items = c.ruleVariants!;
      const have = new Map<string, number>();
      for (const i of eligible) if (items.has(lines[i].variantId)) have.set(lines[i].variantId, (have.get(lines[i].variantId) ?? 0) + lines[i].quantity);
      let sets = Infinity;
      for (const [v, q] of items) sets = Math.min(sets, Math.floor((have.get(v) ?? 0) / q));
      if (sets === 0) return notMet('the cart does not hold every item of the bundle');
      // What the bundled units cost now, line by line; the rest of each line is left alone.
      const need = new Map([...items].map(([v, q]) => [v, q * sets]));
      const idx: number[] = [];
      const worth: number[] = [];
      for (const i of eligible) {
        const n = need.get(lines[i].variantId);
        if (!n) continue;
        const k = Math.min(n, lines[i].quantity);
        need.set(lines[i].variantId, n - k);
        idx.push(i);
        worth.push(Math.floor((current[i] * k) / lines[i].quantity));
      }
      const value = worth.reduce((s, w) => s + w, 0);
      const discount = value - rule.price * sets;
      if (discount <= 0) return { reason: 'no_discount', detail: `the items already cost ${value}, not more than the bundle price` };
      return effect(c, spread(discount, idx, worth));
    }
    case 'member_price': {
      const prices = c.ruleVariants!;
      const pairs: Array<[number, number]> = [];
      for (const i of eligible) {
        const price = prices.get(lines[i].variantId);
        if (price !== undefined) pairs.push([i, Math.max(0, current[i] - price * lines[i].quantity)]);
      }
      return effect(c, pairs);
    }
    case 'free_shipping':
      return effect(c, [], Math.min(shipping, rule.maxDiscount ?? Infinity));
    case 'gift':
      return effect(c, [], 0, { variantId: rule.variantId, quantity: rule.quantity });
  }
}
