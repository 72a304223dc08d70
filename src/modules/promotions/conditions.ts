import type { CompiledPromotion } from './snapshot.js';
import type { NotAppliedReason, PricingInput, PricingLineInput, UsageCounters } from './promotion.types.js';

/** Why a promotion does not apply, for the cart's explanation. */
export interface Miss {
  reason: NotAppliedReason;
  detail: string;
}

const miss = (detail: string): Miss => ({ reason: 'condition_not_met', detail });

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** ISO weekday and minutes after midnight of an instant in a time zone. */
function localTime(at: number, timeZone: string): { day: number; minutes: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, f);
  }
  let day = 0;
  let minutes = 0;
  for (const part of f.formatToParts(at)) {
    if (part.type === 'weekday') day = WEEKDAYS[part.value];
    else if (part.type === 'hour') minutes += Number(part.value) * 60;
    else if (part.type === 'minute') minutes += Number(part.value);
  }
  return { day, minutes };
}

/** Local times per zone, kept for the current minute: most promotions share a zone and a minute. */
export class Clock {
  private static readonly minutes = new Map<string, { minute: number; t: { day: number; minutes: number } }>();
  constructor(readonly at: number) {}
  local(timeZone: string) {
    const minute = Math.floor(this.at / 60_000);
    const hit = Clock.minutes.get(timeZone);
    if (hit && hit.minute === minute) return hit.t;
    const t = localTime(this.at, timeZone);
    Clock.minutes.set(timeZone, { minute, t });
    return t;
  }
}

/** Conditions about the sale rather than its lines: currency, time, channel, store, customer, limits. */
export function checkSale(c: CompiledPromotion, input: PricingInput, clock: Clock, usage?: UsageCounters): Miss | null {
  const p = c.promotion;
  if (p.currency !== input.currency) return miss(`the promotion is in ${p.currency}, the cart in ${input.currency}`);
  if (clock.at < c.startsAt) return miss(`starts at ${p.startsAt}`);
  if (clock.at >= c.endsAt) return miss(`ended at ${p.endsAt}`);
  if (c.channelIds && !c.channelIds.has(input.channelId)) return miss('not offered on this channel');
  if (c.channelKinds && !c.channelKinds.has(input.channelKind)) return miss(`only on channels of kind ${[...c.channelKinds].join(', ')}`);
  if (c.storeIds && !(input.locationId && c.storeIds.has(input.locationId))) return miss('not offered at this store');
  if (c.customerIds && !(input.customerId && c.customerIds.has(input.customerId))) return miss('the customer is not in the segment');
  if (c.customerTiers && !(input.customerTier && c.customerTiers.has(input.customerTier))) return miss(`only for member tiers ${[...c.customerTiers].join(', ')}`);
  if (p.rule.type === 'member_price' && !input.customerId && !input.customerTier) return miss('only for members');
  if (p.conditions.firstOrderOnly && !input.isFirstOrder) return miss('only on a first order');
  if (c.daysOfWeek || c.hours) {
    const t = clock.local(p.timeZone);
    if (c.daysOfWeek && !c.daysOfWeek.has(t.day)) return miss(`not on this weekday in ${p.timeZone}`);
    if (c.hours) {
      const { start, end } = c.hours;
      const inside = start <= end ? t.minutes >= start && t.minutes < end : t.minutes >= start || t.minutes < end;
      if (!inside) return miss(`only ${p.conditions.hours!.start}–${p.conditions.hours!.end} in ${p.timeZone}`);
    }
  }
  const live = usage?.get(p.id);
  const used = live?.used ?? p.used;
  const spent = live?.spent ?? p.spent;
  if (p.usageLimit !== null && used >= p.usageLimit) return { reason: 'usage_limit_reached', detail: `used ${used} of ${p.usageLimit} times` };
  if (p.perCustomerLimit !== null && input.customerId && (live?.customerUsed ?? 0) >= p.perCustomerLimit) {
    return { reason: 'customer_limit_reached', detail: `the customer has used it ${p.perCustomerLimit} times` };
  }
  if (p.budget !== null && spent >= p.budget) return { reason: 'budget_exhausted', detail: `its budget of ${p.budget} is spent` };
  return null;
}

/** Budget left for one more use, or Infinity. */
export function budgetLeft(c: CompiledPromotion, usage?: UsageCounters): number {
  const p = c.promotion;
  return p.budget === null ? Infinity : p.budget - (usage?.get(p.id)?.spent ?? p.spent);
}

export function lineCounts(c: CompiledPromotion, line: PricingLineInput): boolean {
  if (!c.lineScoped) return true;
  if (c.variantIds?.has(line.variantId) || c.productIds?.has(line.productId)) return true;
  if (c.categoryIds) for (const cat of line.categoryIds) if (c.categoryIds.has(cat)) return true;
  return false;
}
