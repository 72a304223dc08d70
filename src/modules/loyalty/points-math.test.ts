import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { earnedPoints, nextTier, planDebit, pointsKept, quoteDeduction, ruleFor, tierForSpend } from './points-math.js';
import { endOfYear, isBirthday, localDate, localMidnight } from './brand-time.js';
import { PASS_SECONDS, memberCode, memberPass, verifyMemberCode, verifyMemberPass } from './member-code.js';

describe('earning', () => {
  it.each([
    [9_999, 1, 100, 100, 99],
    [10_000, 1, 100, 100, 100],
    [9_950, 2, 100, 100, 198],
    [10_000, 1, 100, 150, 150],
    [10_100, 1, 100, 150, 151],
    [99, 1, 100, 100, 0],
    [0, 1, 100, 200, 0],
  ])('%i fen at %i per %i with %i%% earns %i', (amount, ppu, unit, mult, points) => {
    expect(earnedPoints(amount, { pointsPerUnit: ppu, unitAmount: unit }, mult)).toBe(points);
  });

  it('a channel kind rule beats the catch-all', () => {
    const rules = [{ id: 'all', channelKind: null, pointsPerUnit: 1, unitAmount: 100 }, { id: 'pos', channelKind: 'pos', pointsPerUnit: 2, unitAmount: 100 }];
    expect(ruleFor(rules, 'pos')?.id).toBe('pos');
    expect(ruleFor(rules, 'web')?.id).toBe('all');
    expect(ruleFor(rules.slice(1), 'web')).toBeNull();
  });
});

describe('refunds take back points in proportion', () => {
  it('partial refunds in any split add up to exactly what a full refund takes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 10_000_000 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (points, paid, weights) => {
        const total = weights.reduce((a, b) => a + b, 0) || 1;
        let refunded = 0;
        let taken = 0;
        for (const w of weights) {
          const before = pointsKept(points, paid, refunded);
          refunded += Math.floor((paid * w) / total);
          const after = pointsKept(points, paid, refunded);
          expect(after).toBeLessThanOrEqual(before);
          taken += before - after;
        }
        taken += pointsKept(points, paid, refunded) - pointsKept(points, paid, paid);
        expect(taken).toBe(points);
      }),
    );
  });
});

describe('deduction at checkout', () => {
  it.each([
    // requested, balance, subtotal, points per ¥1, cap bps → points, amount
    [500, 1_000, 10_000, 100, 5000, 500, 500],
    [9_000, 1_000, 10_000, 100, 5000, 1_000, 1_000],
    [9_000, 9_000, 10_000, 100, 5000, 5_000, 5_000],
    [1_000, 1_000, 10_000, 150, 5000, 999, 666],
    [1_000, 1_000, 10_000, 100, 0, 0, 0],
    [-5, 1_000, 10_000, 100, 5000, 0, 0],
  ])('asks %i of %i on %i at %i/¥ capped %i bps → %i points for %i', (requested, balance, orderSubtotal, rate, maxBps, points, amount) => {
    expect(quoteDeduction({ requested, balance, orderSubtotal, pointsPerHundredMinor: rate, maxBps })).toEqual({ points, amount });
  });
});

describe('debits', () => {
  it('take lots in the order given and fail when they hold too little', () => {
    const lots = [{ id: 'a', remaining: 100 }, { id: 'b', remaining: 0 }, { id: 'c', remaining: 300 }];
    expect(planDebit(lots, 150)).toEqual([{ lotId: 'a', points: 100 }, { lotId: 'c', points: 50 }]);
    expect(planDebit(lots, 400)).toHaveLength(2);
    expect(planDebit(lots, 401)).toBeNull();
  });
});

describe('tiers', () => {
  const tiers = [{ id: 'gold', name: 'Gold', minSpend: 100_000 }, { id: 'member', name: 'Member', minSpend: 0 }, { id: 'silver', name: 'Silver', minSpend: 30_000 }];
  it('pick the highest threshold reached and say how far the next is', () => {
    expect(tierForSpend(tiers, 0)?.id).toBe('member');
    expect(tierForSpend(tiers, 68_000)?.id).toBe('silver');
    expect(nextTier(tiers, 68_000)).toEqual({ tier: tiers[0], amountToGo: 32_000 });
    expect(tierForSpend(tiers, 100_000)?.id).toBe('gold');
    expect(nextTier(tiers, 100_000)).toBeNull();
    expect(tierForSpend(tiers.slice(0, 1), 5)).toBeNull();
  });
});

describe('brand time', () => {
  it('counts dates and year ends in the brand zone', () => {
    expect(localDate(new Date('2026-12-31T16:30:00Z'), 'Asia/Shanghai')).toBe('2027-01-01');
    expect(localMidnight(2027, 1, 1, 'Asia/Shanghai').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(endOfYear(new Date('2026-03-01T00:00:00Z'), 1, 'Asia/Shanghai').toISOString()).toBe('2027-12-31T16:00:00.000Z');
    expect(endOfYear(new Date('2026-12-31T17:00:00Z'), 0, 'Asia/Shanghai').toISOString()).toBe('2027-12-31T16:00:00.000Z');
    expect(endOfYear(new Date('2026-06-01T00:00:00Z'), 0, 'America/New_York').toISOString()).toBe('2027-01-01T05:00:00.000Z');
  });

  it('celebrates 29 February birthdays on 28 February in common years', () => {
    expect(isBirthday('1990-11-23', '2026-11-23')).toBe(true);
    expect(isBirthday('1990-11-24', '2026-11-23')).toBe(false);
    expect(isBirthday('2000-02-29', '2027-02-28')).toBe(true);
    expect(isBirthday('2000-02-29', '2028-02-28')).toBe(false);
    expect(isBirthday('2000-02-29', '2028-02-29')).toBe(true);
  });
});

describe('member codes', () => {
  it('are valid in their step and the next, and only under the secret that made them', () => {
    const at = Date.UTC(2026, 10, 23, 3, 0, 10);
    const { code, expiresAt } = memberCode('s3cret', 'mem_1', at);
    expect(expiresAt.toISOString()).toBe('2026-11-23T03:00:30.000Z');
    expect(verifyMemberCode('s3cret', code, at)).toBe('mem_1');
    expect(verifyMemberCode('s3cret', code, at + 30_000)).toBe('mem_1');
    expect(verifyMemberCode('s3cret', code, at + 60_000)).toBeNull();
    expect(verifyMemberCode('other', code, at)).toBeNull();
    expect(memberCode('s3cret', 'mem_1', at + 30_000).code).not.toBe(code);
    expect(verifyMemberCode('s3cret', code.replace('mem_1', 'mem_2'), at)).toBeNull();
  });

  it('the pass a scanned code gives lasts one sale, and only for that member and key', () => {
    const at = Date.UTC(2026, 10, 23, 3, 0, 10);
    const { pass, expiresAt } = memberPass('s3cret', 'mem_1', at);
    expect(expiresAt.getTime()).toBe(at + PASS_SECONDS * 1000);
    expect(verifyMemberPass('s3cret', pass, at + (PASS_SECONDS - 1) * 1000)).toBe('mem_1');
    expect(verifyMemberPass('s3cret', pass, at + PASS_SECONDS * 1000)).toBeNull();
    expect(verifyMemberPass('other', pass, at)).toBeNull();
    expect(verifyMemberPass('s3cret', pass.replace('mem_1', 'mem_2'), at)).toBeNull();
    expect(verifyMemberPass('s3cret', memberCode('s3cret', 'mem_1', at).code, at)).toBeNull();
  });
});
