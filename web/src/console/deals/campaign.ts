import dayjs, { type Dayjs } from 'dayjs';
import { formatMinor, minor } from '../marketing/money';

/**
 * What flash sales and group-buy deals share in the form: a name, one variant, a special price
 * typed in yuan, the channels (none chosen: every channel) and the window it runs in.
 */
export interface CampaignValues {
  name: string;
  variantId: string;
  price: string;
  channelIds?: string[];
  window: [Dayjs, Dayjs];
}

export type Values = CampaignValues & Record<string, unknown>;

/** A new campaign starts now and runs a week, so the common case needs no date picking. */
export const newCampaign = (): Partial<CampaignValues> => ({ window: [dayjs(), dayjs().add(7, 'day').endOf('day')] });

export const fromCampaign = (c: any): CampaignValues => ({
  name: c.name,
  variantId: c.variantId,
  price: formatMinor(c.price.amount, c.price.currency)!,
  channelIds: c.channelIds ?? [],
  window: [dayjs(c.startsAt), dayjs(c.endsAt)],
});

export function campaignBody(v: CampaignValues, currency: string) {
  return {
    name: v.name.trim(),
    price: { amount: minor(v.price, currency)!, currency },
    channelIds: v.channelIds?.length ? v.channelIds : null,
    startsAt: v.window[0].toISOString(),
    endsAt: v.window[1].toISOString(),
  };
}

/**
 * The fields of `body` that differ from `before`: a change sends only what the operator changed,
 * so an untouched end date that has passed, or the allotment, is never sent back.
 */
export function changedOnly(body: Record<string, unknown>, before: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])));
}
