import { describe, expect, it } from 'vitest';
import { flashSaleRefusal, groupBuyRefusal, phaseOf, type Ask, type DealState, type FlashSaleState, type GroupState } from './offer-rules.js';

const at = new Date('2025-06-18T12:00:00Z');
const hour = 3600_000;
const campaign = { status: 'active' as const, startsAt: new Date(at.getTime() - hour), endsAt: new Date(at.getTime() + hour), variantId: 'var_pot', currency: 'CNY', channelIds: null };
const ask: Ask = { variantId: 'var_pot', channelId: 'chn_web', currency: 'CNY', customerId: 'cus_mei', quantity: 1, at };

describe('phaseOf', () => {
  it.each([
    [{}, 'running'],
    [{ startsAt: new Date(at.getTime() + 1) }, 'upcoming'],
    [{ endsAt: at }, 'over'],
    [{ status: 'draft' as const }, 'over'],
    [{ status: 'cancelled' as const }, 'over'],
  ])('%o is %s', (change, phase) => {
    expect(phaseOf({ ...campaign, ...change }, at)).toBe(phase);
  });
});

describe('flashSaleRefusal', () => {
  const sale: FlashSaleState = { ...campaign, allotment: 10, sold: 7, perCustomerLimit: 2, usedByCustomer: 1 };
  it.each([
    [{}, {}, null],
    [{ status: 'ended' }, {}, 'flash_sale_not_running'],
    [{}, { variantId: 'var_cup' }, 'offer_not_for_variant'],
    [{ channelIds: ['chn_app'] }, {}, 'offer_not_for_channel'],
    [{ channelIds: ['chn_app', 'chn_web'] }, {}, null],
    [{}, { currency: 'USD' }, 'offer_not_for_channel'],
    [{ sold: 10 }, {}, 'flash_sale_sold_out'],
    [{}, { quantity: 4 }, 'flash_sale_sold_out'],
    [{ sold: 10 }, { customerId: null }, 'flash_sale_sold_out'],
    [{}, { customerId: null }, 'flash_sale_requires_sign_in'],
    [{}, { quantity: 2 }, 'flash_sale_limit_reached'],
    [{ usedByCustomer: 0 }, { quantity: 2 }, null],
  ])('sale %o, ask %o → %s', (s, a, expected) => {
    expect(flashSaleRefusal({ ...sale, ...(s as object) }, { ...ask, ...a })).toBe(expected);
  });
});

describe('groupBuyRefusal', () => {
  const deal: DealState = { ...campaign, unitsPerMember: 1 };
  const group: GroupState = { status: 'open', deadline: new Date(at.getTime() + hour), members: 2, size: 3, joined: false };
  it.each<[object, object | null, Partial<Ask>, string | null]>([
    [{}, null, {}, null],
    [{ startsAt: new Date(at.getTime() + hour) }, null, {}, 'group_buy_not_running'],
    [{}, null, { customerId: null }, 'group_buy_requires_sign_in'],
    [{}, null, { quantity: 2 }, 'group_buy_limit_reached'],
    [{}, {}, {}, null],
    // Joining needs the group open, not the deal: a deal that ended lets its open groups fill up.
    [{ status: 'ended' }, {}, {}, null],
    [{}, { deadline: at }, {}, 'group_buy_closed'],
    [{}, { status: 'complete' }, {}, 'group_buy_closed'],
    [{}, { joined: true }, {}, 'group_buy_already_joined'],
    [{}, { members: 3 }, {}, 'group_buy_full'],
    [{}, {}, { variantId: 'var_cup' }, 'offer_not_for_variant'],
  ])('deal %o, group %o, ask %o → %s', (d, g, a, expected) => {
    expect(groupBuyRefusal({ ...deal, ...(d as object) }, g ? { ...group, ...(g as Partial<GroupState>) } : null, { ...ask, ...a })).toBe(expected);
  });
});
