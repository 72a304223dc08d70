import { getChannel, getVariants } from '../catalog/index.js';
import { getLocations } from '../stores/index.js';
import { AppError, invalid } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import type { Conditions, Rule } from './promotion.types.js';

export interface PromotionDraft {
  rule: Rule;
  conditions: Conditions;
  timeZone: string;
  startsAt: string | null;
  endsAt: string | null;
}

const knownZones = new Set<string>();

function isTimeZone(tz: string): boolean {
  if (knownZones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    knownZones.add(tz);
    return true;
  } catch {
    return false;
  }
}

/** Checks what a schema cannot: order of tiers, the window, the zone, and that named ids exist. */
export async function validatePromotion(ctx: Ctx, p: PromotionDraft): Promise<void> {
  const { rule, conditions: c } = p;
  if (rule.type === 'threshold') {
    rule.tiers.forEach((t, i) => {
      const prev = rule.tiers[i - 1];
      if (prev && t.minSubtotal <= prev.minSubtotal) throw invalid(`rule.tiers.${i}.minSubtotal`, 'tiers must be in ascending minSubtotal');
      if (prev && t.discount < prev.discount) throw invalid(`rule.tiers.${i}.discount`, 'a higher tier cannot give less than a lower one');
      if (t.discount > t.minSubtotal) throw invalid(`rule.tiers.${i}.discount`, 'a tier cannot take off more than its minSubtotal');
    });
  }
  if (rule.type === 'bundle' || rule.type === 'member_price') {
    const [list, key] = rule.type === 'bundle' ? [rule.items, 'items'] : [rule.prices, 'prices'];
    const seen = new Set<string>();
    list.forEach((it, i) => {
      if (seen.has(it.variantId)) throw invalid(`rule.${key}.${i}.variantId`, `variant ${it.variantId} appears twice`);
      seen.add(it.variantId);
    });
  }
  if (p.startsAt && p.endsAt && Date.parse(p.endsAt) <= Date.parse(p.startsAt)) throw invalid('endsAt', 'the end of the window must come after its start');
  if (!isTimeZone(p.timeZone)) throw invalid('timeZone', `${p.timeZone} is not an IANA time zone`);
  if (c.hours && c.hours.start === c.hours.end) throw invalid('conditions.hours.end', 'hours must not start and end at the same time');
  await assertIdsExist(ctx, p);
}

async function assertIdsExist(ctx: Ctx, { rule, conditions: c }: PromotionDraft): Promise<void> {
  const variants: Array<{ id: string; field: string }> = [];
  (c.variantIds ?? []).forEach((id, i) => variants.push({ id, field: `conditions.variantIds.${i}` }));
  if (rule.type === 'bundle') rule.items.forEach((it, i) => variants.push({ id: it.variantId, field: `rule.items.${i}.variantId` }));
  if (rule.type === 'member_price') rule.prices.forEach((it, i) => variants.push({ id: it.variantId, field: `rule.prices.${i}.variantId` }));
  if (rule.type === 'gift') variants.push({ id: rule.variantId, field: 'rule.variantId' });
  if (variants.length) {
    const found = new Set((await getVariants(ctx, variants.map((v) => v.id))).map((v) => v.id));
    const missing = variants.find((v) => !found.has(v.id));
    if (missing) throw new AppError('validation_failed', `variant ${missing.id} does not exist`, { field: missing.field });
  }
  for (const [i, id] of (c.channelIds ?? []).entries()) {
    await getChannel(ctx, id, `conditions.channelIds.${i}`).catch(() => {
      throw new AppError('validation_failed', `channel ${id} does not exist`, { field: `conditions.channelIds.${i}` });
    });
  }
  if (c.storeIds?.length) {
    const found = new Set((await getLocations(ctx, c.storeIds)).map((l) => l.id));
    const i = c.storeIds.findIndex((id) => !found.has(id));
    if (i >= 0) throw new AppError('validation_failed', `store ${c.storeIds[i]} does not exist`, { field: `conditions.storeIds.${i}` });
  }
}
