import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bundleAvailability, channelAtp, promisable, splitLine } from './availability.js';

describe('availability rules', () => {
  it.each([
    [5, null, true, 5],
    [5, 3, true, 3],
    [5, 3, false, 5],
    [2, 3, true, 2],
    [-1, null, true, 0],
  ])('promisable(%i, cap %s, online %s) = %i', (available, cap, online, want) => {
    expect(promisable(available, cap, online)).toBe(want);
  });

  it('ATP subtracts safety stock and never goes below 0', () => {
    expect(channelAtp([3, 4], 2)).toBe(5);
    expect(channelAtp([3, 4], 9)).toBe(0);
    expect(channelAtp([], 0)).toBe(0);
  });

  it('a bundle is as available as its scarcest component', () => {
    expect(bundleAvailability([{ quantity: 2, available: 7 }, { quantity: 1, available: 5 }])).toBe(3);
    expect(bundleAvailability([{ quantity: 3, available: 2 }])).toBe(0);
    expect(bundleAvailability([])).toBe(0);
  });

  it('a split takes locations in order, never more than each may promise, and covers the line exactly or not at all', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 6 }), (quantity, stock) => {
      const candidates = stock.map((p, i) => ({ locationId: `l${i}`, promisable: p }));
      const parts = splitLine(quantity, candidates);
      const total = stock.reduce((a, b) => a + b, 0);
      if (total < quantity) return parts === null;
      return parts !== null
        && parts.reduce((a, p) => a + p.quantity, 0) === quantity
        && parts.every((p) => p.quantity > 0 && p.quantity <= candidates.find((c) => c.locationId === p.locationId)!.promisable);
    }));
  });
});
