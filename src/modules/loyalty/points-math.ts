/**
 * Points arithmetic as pure functions over plain numbers: every result is an exact integer, and
 * the services only load, call these, and write.
 */

export interface EarnRule {
  channelKind: string | null;
  pointsPerUnit: number;
  unitAmount: number;
}

/** The rule for a channel kind: one made for that kind, else the catch-all; null when neither exists. */
export function ruleFor<R extends EarnRule>(rules: R[], channelKind: string | null): R | null {
  return rules.find((r) => r.channelKind !== null && r.channelKind === channelKind) ?? rules.find((r) => r.channelKind === null) ?? null;
}

/** Points for `amount` minor units paid: per whole unit (¥99.50 is 99 yuan), then the tier multiplier, rounded down. */
export function earnedPoints(amount: number, rule: Pick<EarnRule, 'pointsPerUnit' | 'unitAmount'>, multiplierPct = 100): number {
  if (amount <= 0) return 0;
  const base = Math.floor(amount / rule.unitAmount) * rule.pointsPerUnit;
  return Math.floor((base * multiplierPct) / 100);
}

/**
 * How many of `points` an order still earns after `refunded` of its `paid` went back. Refunds take
 * points back in proportion; computing from the running total (not per refund) makes several
 * partial refunds add up exactly to a full one.
 */
export function pointsKept(points: number, paid: number, refunded: number): number {
  if (paid <= 0 || refunded >= paid) return 0;
  return Math.floor((points * (paid - Math.max(refunded, 0))) / paid);
}

export interface DeductionQuote {
  points: number;
  amount: number;
}

/**
 * Points used as money at checkout: at most what the member asks for and holds, worth at most
 * `maxBps` of the subtotal; only the points the deducted amount needs are taken.
 */
export function quoteDeduction(input: { requested: number; balance: number; orderSubtotal: number; pointsPerHundredMinor: number; maxBps: number }): DeductionQuote {
  const usable = Math.max(0, Math.min(input.requested, input.balance));
  const cap = Math.floor((Math.max(input.orderSubtotal, 0) * input.maxBps) / 10_000);
  const amount = Math.min(Math.floor((usable * 100) / input.pointsPerHundredMinor), cap);
  return { amount, points: Math.ceil((amount * input.pointsPerHundredMinor) / 100) };
}

/** Takes `points` from lots already in spending order (soonest expiry first); null when they hold too few. */
export function planDebit(lots: Array<{ id: string; remaining: number }>, points: number): Array<{ lotId: string; points: number }> | null {
  const plan: Array<{ lotId: string; points: number }> = [];
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    if (take > 0) plan.push({ lotId: lot.id, points: take });
    left -= take;
  }
  return left === 0 ? plan : null;
}

export interface Tier {
  id: string;
  name: string;
  minSpend: number;
}

/** The highest tier whose threshold the spend reaches; null below every tier. */
export function tierForSpend<T extends Tier>(tiers: T[], spend: number): T | null {
  return [...tiers].sort((a, b) => b.minSpend - a.minSpend).find((t) => spend >= t.minSpend) ?? null;
}

/** The next tier up and how much more spend reaches it; null at the top. */
export function nextTier<T extends Tier>(tiers: T[], spend: number): { tier: T; amountToGo: number } | null {
  const next = [...tiers].sort((a, b) => a.minSpend - b.minSpend).find((t) => t.minSpend > spend);
  return next ? { tier: next, amountToGo: next.minSpend - spend } : null;
}
