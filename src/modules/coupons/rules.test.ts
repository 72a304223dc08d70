import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_LENGTH, normalizeCode, randomCodes } from './codes.js';
import { channelAllows, refusal, stackingConflict, type CouponState, type UseRequest } from './rules.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const coupon = (over: Partial<CouponState> = {}): CouponState => ({
  kind: 'public_code',
  templateActive: true,
  channels: 'all',
  validFrom: null,
  validUntil: null,
  maxUses: null,
  uses: 0,
  ownerId: null,
  perCustomerLimit: null,
  usedByCustomer: 0,
  ...over,
});
const request = (over: Partial<UseRequest> = {}): UseRequest => ({ customerId: 'cus_1', channelKind: 'web', at: NOW, earlierOfTemplate: 0, ...over });

describe('refusal', () => {
  it.each<[string, Partial<CouponState>, Partial<UseRequest>, string | null]>([
    ['usable', {}, {}, null],
    ['template archived', { templateActive: false }, {}, 'coupon_inactive'],
    ['before the window', { validFrom: new Date('2026-07-01T00:00:00Z') }, {}, 'coupon_not_yet_valid'],
    ['the end is exclusive', { validUntil: NOW }, {}, 'coupon_expired'],
    ['last use taken', { maxUses: 1, uses: 1 }, {}, 'coupon_used_up'],
    ['store-only online', { channels: 'store' }, {}, 'coupon_not_for_channel'],
    ['online-only at POS', { channels: 'online' }, { channelKind: 'pos' }, 'coupon_not_for_channel'],
    ['channel already checked', { channels: 'online' }, { channelKind: null }, null],
    ['someone else’s wallet coupon', { kind: 'wallet', ownerId: 'cus_2' }, {}, 'coupon_not_yours'],
    ['a guest with a wallet coupon', { kind: 'wallet', ownerId: 'cus_1' }, { customerId: null }, 'coupon_not_yours'],
    ['per-customer limit needs a customer', { perCustomerLimit: 1 }, { customerId: null }, 'coupon_requires_customer'],
    ['per-customer limit reached', { perCustomerLimit: 2, usedByCustomer: 2 }, {}, 'coupon_limit_reached'],
    ['codes earlier in the order count', { perCustomerLimit: 2, usedByCustomer: 1 }, { earlierOfTemplate: 1 }, 'coupon_limit_reached'],
  ])('%s', (_name, c, r, expected) => {
    expect(refusal(coupon(c), request(r))).toBe(expected);
  });

  it('an expired coupon says expired before saying used up', () => {
    expect(refusal(coupon({ validUntil: new Date('2026-01-01T00:00:00Z'), maxUses: 1, uses: 1 }), request())).toBe('coupon_expired');
  });
});

describe('channels and stacking', () => {
  it('online coupons work in store and the reverse unless restricted', () => {
    expect(['web', 'app', 'mini_program', 'pos'].every((k) => channelAllows('all', k))).toBe(true);
    expect(channelAllows('online', 'mini_program')).toBe(true);
    expect(channelAllows('store', 'pos')).toBe(true);
  });

  it.each<[string, Array<{ group: string; stackable: boolean }>, number | null]>([
    ['one store and one platform coupon', [{ group: 'store', stackable: false }, { group: 'platform', stackable: false }], null],
    ['two store coupons', [{ group: 'store', stackable: false }, { group: 'store', stackable: false }], 1],
    ['two stackable store coupons', [{ group: 'store', stackable: true }, { group: 'store', stackable: true }], null],
    ['a stackable one next to one that is not', [{ group: 'store', stackable: true }, { group: 'platform', stackable: false }, { group: 'store', stackable: false }], 2],
  ])('%s', (_name, list, expected) => {
    expect(stackingConflict(list)).toBe(expected);
  });
});

describe('codes', () => {
  it('are 12 symbols of the unambiguous alphabet, each symbol about equally often', () => {
    const codes = randomCodes(20_000, 'GO');
    expect(codes.every((c) => c.length === 2 + CODE_LENGTH && c.startsWith('GO'))).toBe(true);
    const counts = new Map<string, number>();
    for (const c of codes) for (const ch of c.slice(2)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect([...counts.keys()].sort().join('')).toBe(CODE_ALPHABET);
    const expected = (20_000 * CODE_LENGTH) / CODE_ALPHABET.length;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.06);
  });

  it('read back the same whatever the case, spaces and dashes', () => {
    expect(normalizeCode(' welcome-10 ')).toBe('WELCOME10');
    expect(normalizeCode('ab2c d3ef')).toBe('AB2CD3EF');
  });
});
